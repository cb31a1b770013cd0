-- When a person passed a face check (accounts.person.verified by face, or
-- accounts.person.face_checked added after a bank-card or carrier verification): what
-- market's financing demands require of the applicant (Readiness.face_checked).
ALTER TABLE persons ADD COLUMN face_checked_at timestamptz;
UPDATE persons SET face_checked_at = verified_at WHERE verification_method = 'face';
