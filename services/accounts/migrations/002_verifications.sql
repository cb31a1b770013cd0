-- Personal real-name verification (个人实名认证): one row per attempt. ID, card and
-- phone numbers are stored only sealed (AES-256-GCM, common/crypto.h; the aad is
-- "accounts.verifications.<column without _enc>") beside a masked copy for display;
-- the ID number also has an HMAC look-up hash. A new start supersedes the pending one.
CREATE TABLE verifications (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id         uuid NOT NULL REFERENCES persons(id),
    method            text NOT NULL CHECK (method IN ('face', 'bank4', 'carrier3')),
    state             text NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'verified', 'failed', 'superseded')),
    name              text NOT NULL,
    id_number_enc     bytea NOT NULL,
    id_number_hash    text NOT NULL,
    id_number_masked  text NOT NULL,
    bank_card_enc     bytea,            -- bank4 only
    bank_card_masked  text,
    phone_enc         bytea NOT NULL,   -- bank4: reserved phone; carrier3: checked phone
    phone_masked      text NOT NULL,
    email             text NOT NULL,
    provider_session  text,             -- face: the provider's liveness session
    face_url          text,             -- face: where the person does the liveness check
    attempts          integer NOT NULL DEFAULT 0,  -- provider checks made (timeouts included)
    failed_factor     text CHECK (failed_factor IN ('name', 'id_number', 'bank_card', 'phone', 'face')),
    failure_reason    text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    verified_at       timestamptz,
    failed_at         timestamptz,
    CHECK ((method = 'bank4') = (bank_card_enc IS NOT NULL)),
    CHECK ((method = 'face') = (provider_session IS NOT NULL)),
    CHECK ((state = 'verified') = (verified_at IS NOT NULL)),
    CHECK ((state = 'failed') = (failed_factor IS NOT NULL))
);

-- At most one pending verification per person; the latest first.
CREATE UNIQUE INDEX verifications_one_pending ON verifications (person_id) WHERE state = 'pending';
CREATE INDEX verifications_person_latest ON verifications (person_id, created_at DESC);
