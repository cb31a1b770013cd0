-- 企业认证: applications, their files, the legal representative's checks, and the
-- uploaded files themselves. Owned by certification.c, review.c, legal_rep.c, files.c.

-- Uploaded bytes, once per content (content-addressed by SHA-256).
CREATE TABLE file_blobs (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data       bytea NOT NULL,
    size       bigint NOT NULL CHECK (size > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per upload: who uploaded what for which owner ("certification", ...).
CREATE TABLE files (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_type   text NOT NULL,
    owner_id     uuid NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/bmp',
                                                       'application/pdf')),
    size         bigint NOT NULL CHECK (size > 0 AND size <= 5242880),
    sha256       text NOT NULL REFERENCES file_blobs (sha256),
    uploaded_by  uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX files_owner ON files (owner_type, owner_id, created_at);

-- A certification application per (applicant, USCC). The legal representative's ID
-- number and the phones are sealed (AES-256-GCM, aad "enterprise.certifications.<col>")
-- beside their masks; nothing else of them is stored.
CREATE TABLE certifications (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    applicant_id           uuid NOT NULL,
    uscc                   text NOT NULL,
    state                  text NOT NULL DEFAULT 'draft'
                               CHECK (state IN ('draft', 'submitted', 'approved', 'rejected')),
    enterprise_name        text NOT NULL,
    registry_status        text,
    registered_capital_fen bigint CHECK (registered_capital_fen >= 0),
    legal_rep_name         text,
    legal_rep_id_enc       bytea,
    legal_rep_id_masked    text,
    legal_rep_phone_enc    bytea,
    legal_rep_phone_masked text,
    region_code            text,
    industry               text CHECK (industry ~ '^[A-T]$'),
    address                text,
    contact_name           text,
    contact_phone_enc      bytea,
    contact_phone_masked   text,
    contact_position       text,
    contact_email          text,
    referring_institution  text,
    reject_reason          text,          -- the latest rejection's
    enterprise_id          uuid,          -- approved: the enterprise it created
    approval_method        text CHECK (approval_method IN ('review', 'legal_rep_check')),
    decided_by             text,          -- operator:<id> | system:legal_rep_check
    submitted_at           timestamptz,
    decided_at             timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (applicant_id, uscc),
    CHECK (state <> 'approved' OR (approval_method IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (state <> 'rejected' OR reject_reason IS NOT NULL)
);
CREATE INDEX certifications_applicant ON certifications (applicant_id, created_at DESC);
CREATE INDEX certifications_queue ON certifications (state, submitted_at, id);

-- The current file of each kind; older uploads stay in files.
CREATE TABLE certification_files (
    certification_id uuid NOT NULL REFERENCES certifications (id),
    kind             text NOT NULL CHECK (kind IN ('business_licence', 'legal_rep_id_front',
                                                   'legal_rep_id_back', 'authorization_letter')),
    file_id          uuid NOT NULL REFERENCES files (id),
    uploaded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (certification_id, kind)
);

-- The legal representative's identity checks (face, bank4, carrier3) of an application.
CREATE TABLE legal_rep_checks (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    certification_id uuid NOT NULL REFERENCES certifications (id),
    method           text NOT NULL CHECK (method IN ('face', 'bank4', 'carrier3')),
    state            text NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'passed', 'failed', 'superseded')),
    phone_enc        bytea,
    phone_masked     text,
    bank_card_enc    bytea,
    bank_card_masked text,
    face_session     text,
    face_url         text,
    failed_factor    text,
    failure_reason   text,
    started_by       uuid NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX legal_rep_checks_certification ON legal_rep_checks (certification_id, created_at DESC);
