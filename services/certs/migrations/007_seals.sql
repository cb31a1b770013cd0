-- Seals (印章, issue 19, seals.c, seals_grants.c): an enterprise's seals (公章, 合同专用章,
-- 财务专用章, 法定代表人章) and each person's own signature seal (个人签名), each backed by a
-- cloud certificate of its holder; the members an enterprise admin authorised to use one.
-- The image is a transparent PNG kept in file_blobs (common/blobs.h) by its SHA-256.

CREATE TABLE seals (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    enterprise_id    uuid,                 -- an enterprise seal
    person_id        uuid,                 -- or a person's own signature
    kind             text NOT NULL CHECK (kind IN ('official', 'contract', 'finance',
                                                   'legal_rep', 'personal')),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),  -- the label shown
    image_sha256     text NOT NULL CHECK (image_sha256 ~ '^[0-9a-f]{64}$'),
    source           text NOT NULL CHECK (source IN ('generated', 'uploaded')),
    cert_serial      text NOT NULL REFERENCES certificates (serial),
    -- an SM2 certificate's RSA or ECDSA companion of the same holder: no common reader
    -- verifies SM2, so a signature with it travels with a second one
    companion_serial text REFERENCES certificates (serial),
    disabled_at      timestamptz,
    disabled_by      text,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((enterprise_id IS NULL) <> (person_id IS NULL)),
    CHECK ((kind = 'personal') = (person_id IS NOT NULL))
);

-- One active seal per enterprise and kind; one active signature per person.
CREATE UNIQUE INDEX seals_enterprise_kind ON seals (enterprise_id, kind)
    WHERE enterprise_id IS NOT NULL AND disabled_at IS NULL;
CREATE UNIQUE INDEX seals_person ON seals (person_id)
    WHERE person_id IS NOT NULL AND disabled_at IS NULL;
CREATE INDEX seals_enterprise ON seals (enterprise_id, created_at DESC)
    WHERE enterprise_id IS NOT NULL;

-- Who may use an enterprise seal: an unrevoked grant AND an active membership of the
-- enterprise (enterprise_memberships). The admin grants themself like anyone. A revoked
-- grant stays as history; granting again makes a new row.
CREATE TABLE seal_grants (
    id          bigserial PRIMARY KEY,
    seal_id     uuid NOT NULL REFERENCES seals (id),
    person_id   uuid NOT NULL,
    granted_by  text NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    revoked_by  text
);
CREATE UNIQUE INDEX seal_grants_open ON seal_grants (seal_id, person_id) WHERE revoked_at IS NULL;
CREATE INDEX seal_grants_person ON seal_grants (person_id) WHERE revoked_at IS NULL;
