-- The signing flow (signing.c, placements.c, completion.c; issue 19): where each signer
-- places their seals before confirming, every PDF signature a confirmation made, the
-- completion certificate of a completed contract, and the platform's document-signing
-- certificate that signs it (a row of cas like the TSA's).

-- A signer's placements until they confirm (then kept: the trail names what was signed).
-- page is 0-based (ignored for cross_page: every page); x, y, w, h in PDF points, origin
-- bottom left. A date seal has no seal and rides in the nearest seal's signature.
CREATE TABLE contract_placements (
    id          uuid PRIMARY KEY,
    contract_id uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    seq         int NOT NULL,
    seal_id     uuid REFERENCES seals (id),
    kind        text NOT NULL CHECK (kind IN ('seal', 'date', 'cross_page')),
    page        int NOT NULL DEFAULT 0 CHECK (page >= 0),
    x           numeric NOT NULL DEFAULT 0,
    y           numeric NOT NULL DEFAULT 0,
    w           numeric NOT NULL DEFAULT 0 CHECK (w >= 0),
    h           numeric NOT NULL DEFAULT 0 CHECK (h >= 0),
    keyword     text,
    signed_at   timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'date') = (seal_id IS NULL)),
    FOREIGN KEY (contract_id, seq) REFERENCES contract_signers (contract_id, seq) ON DELETE CASCADE
);
CREATE INDEX contract_placements_signer ON contract_placements (contract_id, seq);

-- Every PDF signature, in the order made: revision is the doc_version it produced.
CREATE TABLE contract_signatures (
    contract_id       uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    revision          int NOT NULL,
    seq               int NOT NULL,
    person_id         uuid NOT NULL,
    enterprise_id     uuid,
    seal_id           uuid,
    cert_serial       text NOT NULL,
    subject           text NOT NULL,
    algorithm         text NOT NULL,
    doc_sha256_before text NOT NULL,
    doc_sha256_after  text NOT NULL,
    signed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contract_id, revision)
);

-- The completion certificate (完成证明): a PDF signed by the platform, bytes in file_blobs.
CREATE TABLE contract_completions (
    contract_id uuid PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    pdf_sha256  text NOT NULL,
    size        bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The platform's document-signing certificate (row rsa-docsign, role docsign).
ALTER TABLE cas DROP CONSTRAINT cas_role_check;
ALTER TABLE cas ADD CONSTRAINT cas_role_check
    CHECK (role IN ('root', 'issuing', 'ocsp', 'tsa', 'docsign'));
