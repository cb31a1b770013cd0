-- E-invoices (数电票 fields; invoices.c): one blue invoice per paid intent that asked for one
-- (an invoice title), one red-letter invoice (红冲) per refund of invoiced money. Issued by
-- the service's tick on any replica: the unique index on a blue invoice's intent and the
-- unique refund of a red one make a second issue impossible. Rows are never changed.

-- The 16-digit serial of the 20-digit number (yy + region + serial): one sequence, so
-- numbers never repeat across replicas or years.
CREATE SEQUENCE invoice_serial MINVALUE 1 MAXVALUE 9999999999999999 NO CYCLE;

CREATE TABLE invoices (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    no                  text NOT NULL UNIQUE CHECK (no ~ '^[0-9]{20}$'),
    kind                text NOT NULL CHECK (kind IN ('blue', 'red')),
    intent_id           uuid NOT NULL REFERENCES intents (id),
    blue_id             uuid REFERENCES invoices (id),       -- red: the blue one it reverses
    refund_id           uuid UNIQUE REFERENCES refunds (id), -- red: the refund it follows
    issued_on           date NOT NULL,
    seller_name         text NOT NULL,
    seller_tax_id       text NOT NULL,
    buyer_name          text NOT NULL,
    -- The full tax ID stays sealed in intents (opened for the PDF); here only its mask.
    buyer_tax_id_masked text,
    total_fen           bigint NOT NULL,   -- 价税合计, negative on a red invoice
    tax_fen             bigint NOT NULL,
    total_capitals      text NOT NULL,     -- 大写
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'blue') = (blue_id IS NULL)),
    CHECK ((kind = 'blue') = (refund_id IS NULL)),
    CHECK ((kind = 'blue' AND total_fen > 0) OR (kind = 'red' AND total_fen < 0))
);
CREATE UNIQUE INDEX invoices_one_blue ON invoices (intent_id) WHERE kind = 'blue';
CREATE INDEX invoices_intent ON invoices (intent_id, created_at);
CREATE INDEX invoices_created ON invoices (created_at, id);

CREATE TABLE invoice_items (
    invoice_id     uuid NOT NULL REFERENCES invoices (id),
    pos            integer NOT NULL,
    name           text NOT NULL,
    quantity       integer NOT NULL,   -- negative on a red line, 0 when only an amount is reversed
    unit_price_fen bigint,             -- NULL when quantity is 0
    amount_fen     bigint NOT NULL,    -- tax-inclusive
    tax_rate_bp    integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_fen        bigint NOT NULL,
    PRIMARY KEY (invoice_id, pos)
);
