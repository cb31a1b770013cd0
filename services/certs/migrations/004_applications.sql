-- Certificate applications (申请单, applications.c): enterprise or personal, new or
-- renewal, their scanned materials (sealed, content-addressed blobs: common/blobs.h),
-- the daily sequence of application numbers. Personal data (the contact's name, phone,
-- e-mail, the mailing address) sealed under PII_ENC_KEY with a masked copy; the PKCS#12
-- password sealed until issuance, the PKCS#12 sealed until its one download.

CREATE TABLE cert_app_numbers (
    day  date PRIMARY KEY,
    last integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

CREATE TABLE cert_applications (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    no                   text NOT NULL UNIQUE,
    profile              text NOT NULL CHECK (profile IN ('enterprise', 'personal')),
    kind                 text NOT NULL CHECK (kind IN ('new', 'renewal')),
    renews_serial        text REFERENCES certificates (serial),
    medium               text NOT NULL CHECK (medium IN ('usbkey', 'cloud', 'software')),
    algorithm            text NOT NULL CHECK (algorithm IN ('rsa', 'ecdsa', 'sm2')),
    validity_years       int NOT NULL CHECK (validity_years BETWEEN 1 AND 3),
    agreement_version    text NOT NULL,
    state                text NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'accepted', 'issued', 'ready', 'shipped',
                                          'completed', 'rejected')),
    enterprise_id        uuid,
    applicant_id         uuid NOT NULL,
    subject_name         text NOT NULL,
    subject_code_masked  text NOT NULL,
    contact_name_enc     bytea NOT NULL,
    contact_name_masked  text NOT NULL,
    contact_phone_enc    bytea NOT NULL,
    contact_phone_masked text NOT NULL,
    contact_email_enc    bytea,
    contact_email_masked text,
    address_enc          bytea,
    address_masked       text,
    key_source           text NOT NULL CHECK (key_source IN ('csr', 'server')),
    csr                  text,
    p12_password_enc     bytea,
    reject_reason        text,
    carrier              text,
    tracking_no          text,
    certificate_serial   text REFERENCES certificates (serial),
    pkcs12_sealed        bytea,
    pkcs12_downloaded_at timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((profile = 'enterprise') = (enterprise_id IS NOT NULL)),
    CHECK ((kind = 'renewal') = (renews_serial IS NOT NULL)),
    CHECK ((key_source = 'csr') = (csr IS NOT NULL))
);
CREATE INDEX cert_applications_applicant ON cert_applications (applicant_id, created_at DESC)
    WHERE enterprise_id IS NULL;
CREATE INDEX cert_applications_enterprise ON cert_applications (enterprise_id, created_at DESC)
    WHERE enterprise_id IS NOT NULL;
CREATE INDEX cert_applications_state ON cert_applications (state, created_at);

-- The bytes once per SHA-256, sealed (AES-256-GCM, aad "certs.file_blobs.data/<sha256>").
CREATE TABLE file_blobs (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data       bytea NOT NULL,
    size       bigint NOT NULL CHECK (size > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One scan per kind and application: a new upload of a kind replaces the old one.
CREATE TABLE cert_app_files (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id uuid NOT NULL REFERENCES cert_applications (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('business_license', 'authorization',
                                                 'agent_id', 'id_card')),
    name           text NOT NULL,
    content_type   text NOT NULL,
    size           bigint NOT NULL CHECK (size > 0 AND size <= 5242880),
    sha256         text NOT NULL REFERENCES file_blobs (sha256),
    uploaded_by    uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (application_id, kind)
);
