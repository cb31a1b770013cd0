-- Contracts (合同, contracts*.c): an uploaded PDF sent to signers in order or in parallel,
-- its states, its signers and the signing trail (签署轨迹). The document's bytes live in
-- file_blobs (004): original_sha256 as uploaded, doc_sha256 the current revision (the
-- signing engine replaces it with each signature, doc_version + 1).

CREATE TABLE contract_numbers (
    day  date PRIMARY KEY,
    last integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

CREATE TABLE contracts (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number                  text NOT NULL UNIQUE,
    title                   text NOT NULL,
    initiator_person_id     uuid NOT NULL,
    initiator_enterprise_id uuid,
    state                   text NOT NULL DEFAULT 'draft'
                            CHECK (state IN ('draft', 'signing', 'completed', 'voided',
                                             'refused', 'expired')),
    order_mode              text NOT NULL DEFAULT 'sequential'
                            CHECK (order_mode IN ('sequential', 'parallel')),
    expires_at              timestamptz,
    original_sha256         text NOT NULL REFERENCES file_blobs (sha256),
    doc_sha256              text NOT NULL REFERENCES file_blobs (sha256),
    doc_version             int NOT NULL DEFAULT 0 CHECK (doc_version >= 0),
    pages                   int NOT NULL CHECK (pages > 0),
    size                    bigint NOT NULL CHECK (size > 0),
    file_name               text NOT NULL DEFAULT '',
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    sent_at                 timestamptz,
    completed_at            timestamptz,
    voided_at               timestamptz,
    void_reason             text,
    refuse_reason           text
);
CREATE INDEX contracts_initiator ON contracts (initiator_person_id, state);
-- The expiry tick's scan.
CREATE INDEX contracts_signing_expiry ON contracts (expires_at) WHERE state = 'signing';

-- The phone sealed under PII_ENC_KEY (aad certs.contract_signers.phone_enc) with a masked
-- copy; name is the verified name accounts confirmed.
CREATE TABLE contract_signers (
    contract_id   uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    seq           int NOT NULL CHECK (seq BETWEEN 1 AND 50),
    person_id     uuid NOT NULL,
    enterprise_id uuid,
    enterprise_name text,
    name          text NOT NULL,
    phone_enc     bytea NOT NULL,
    phone_masked  text NOT NULL,
    state         text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'signed', 'refused')),
    signed_at     timestamptz,
    refused_at    timestamptz,
    PRIMARY KEY (contract_id, seq),
    UNIQUE NULLS NOT DISTINCT (contract_id, person_id, enterprise_id)
);
CREATE INDEX contract_signers_person ON contract_signers (person_id);

-- Evidence: who did what to which revision. contracts writes created/sent/voided/expired,
-- signing writes viewed/signed/refused/completed.
CREATE TABLE signing_trail (
    id                bigserial PRIMARY KEY,
    contract_id       uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    at                timestamptz NOT NULL DEFAULT now(),
    person_id         uuid,
    enterprise_id     uuid,
    action            text NOT NULL CHECK (action IN ('created', 'sent', 'viewed', 'signed',
                                                      'refused', 'voided', 'expired',
                                                      'completed')),
    ip                text,
    doc_sha256_before text,
    doc_sha256_after  text,
    cert_serial       text,
    seal_id           uuid,
    sms_confirmed_at  timestamptz,
    detail            text
);
CREATE INDEX signing_trail_contract ON signing_trail (contract_id, id);
