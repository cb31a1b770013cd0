-- Who holds each certificate and on what medium (issue 17: applications, management,
-- certificate login), and the platform-kept keys of cloud certificates.
-- Certificates issued before holders existed (the development routes) have none.

ALTER TABLE certificates
    ADD COLUMN holder_account_id    text,           -- the person (personal) or the applicant
    ADD COLUMN holder_enterprise_id text,           -- enterprise profile: the enterprise
    ADD COLUMN medium               text CHECK (medium IN ('usbkey', 'cloud', 'software')),
    ADD COLUMN application_id       text;           -- the 申请单 it was issued for

CREATE INDEX certificates_holder_account ON certificates (holder_account_id, created_at DESC)
    WHERE holder_account_id IS NOT NULL;
CREATE INDEX certificates_holder_enterprise ON certificates (holder_enterprise_id, created_at DESC)
    WHERE holder_enterprise_id IS NOT NULL;
CREATE INDEX certificates_not_after ON certificates (not_after) WHERE revoked_at IS NULL;

-- Cloud certificates: the key pair is generated and kept by the platform, PKCS#8 DER
-- sealed under CERTS_CA_KEY (aad certs.cloud_keys/<serial>); used only after its holder
-- confirms with an SMS code.
CREATE TABLE cloud_keys (
    serial      text PRIMARY KEY REFERENCES certificates (serial),
    key_sealed  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
