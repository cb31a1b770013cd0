-- The platform CA (ca.c, store.c): per algorithm a root and an issuing CA, private keys
-- sealed under CERTS_CA_KEY, the issuing CA's current CRL; every certificate issued,
-- with its chain, its public key's digest (a key is certified once) and its revocation.

CREATE TABLE cas (
    name        text PRIMARY KEY,                    -- rsa-root, rsa, ecdsa-root, ...
    algorithm   text NOT NULL CHECK (algorithm IN ('rsa', 'ecdsa', 'sm2')),
    role        text NOT NULL CHECK (role IN ('root', 'issuing')),
    cert_der    bytea NOT NULL,
    key_sealed  bytea NOT NULL,                      -- crypto_seal, aad certs.cas.key/<name>
    crl_der     bytea,                               -- issuing CAs: the published CRL
    crl_number  bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE certificates (
    serial             text PRIMARY KEY CHECK (serial ~ '^[0-9A-F]{32}$'),
    ca                 text NOT NULL REFERENCES cas (name),
    profile            text NOT NULL CHECK (profile IN ('enterprise', 'personal')),
    subject            text NOT NULL,
    spki_sha256        text NOT NULL UNIQUE,
    cert_der           bytea NOT NULL,
    chain_pem          text NOT NULL,
    not_before         timestamptz NOT NULL,
    not_after          timestamptz NOT NULL,
    revoked_at         timestamptz,
    revocation_reason  int CHECK (revocation_reason BETWEEN 0 AND 10 AND revocation_reason <> 7),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);

CREATE INDEX certificates_revoked ON certificates (ca) WHERE revoked_at IS NOT NULL;
