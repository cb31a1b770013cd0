-- A face check added after a verification by bank card or carrier (market's financing
-- demands need one): when the person passed one. Set with a verification by face too.
ALTER TABLE persons ADD COLUMN face_checked_at timestamptz;
UPDATE persons p SET face_checked_at = p.verified_at
  WHERE p.verified_at IS NOT NULL AND EXISTS (
        SELECT 1 FROM verifications v
         WHERE v.person_id = p.id AND v.method = 'face' AND v.state = 'verified');
