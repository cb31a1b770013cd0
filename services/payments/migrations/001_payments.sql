-- payments (issue 18): payment intents of any owner (certs' orders first), their items,
-- bank transfers (reference codes, remittance slips), money received (receipts of every
-- method, once per (method, external_id)), refunds, and the double-entry ledger.

-- An owner's request to be paid: one per (owner, reference). received_fen counts every fen
-- received, applied_fen what went towards amount_fen, excess_fen what is held over it
-- (refundable; lowered as it is refunded), refunded_fen every fen given back.
CREATE TABLE intents (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    no                   text NOT NULL UNIQUE CHECK (no ~ '^PAY[0-9]{14}$'),
    owner                text NOT NULL CHECK (owner ~ '^[a-z][a-z0-9]*$'),
    reference            text NOT NULL,
    purpose              text NOT NULL,
    amount_fen           bigint NOT NULL CHECK (amount_fen > 0),
    received_fen         bigint NOT NULL DEFAULT 0 CHECK (received_fen >= 0),
    applied_fen          bigint NOT NULL DEFAULT 0 CHECK (applied_fen >= 0 AND applied_fen <= amount_fen),
    excess_fen           bigint NOT NULL DEFAULT 0 CHECK (excess_fen >= 0),
    refunded_fen         bigint NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= received_fen),
    state                text NOT NULL DEFAULT 'open'
                             CHECK (state IN ('open', 'paid', 'closed', 'refunded')),
    methods              text[] NOT NULL,
    method               text,                  -- how it was (first) paid
    payer_account_id     uuid,
    payer_enterprise_id  uuid,
    reference_code       text NOT NULL UNIQUE CHECK (reference_code ~ '^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$'),
    invoice_title        text,
    invoice_tax_id_enc   bytea,                 -- sealed, aad payments.intents.invoice_tax_id
    invoice_tax_id_masked text,
    invoice_email_enc    bytea,                 -- sealed, aad payments.intents.invoice_email
    invoice_email_masked text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    paid_at              timestamptz,
    closed_at            timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner, reference),
    CHECK ((payer_account_id IS NULL) <> (payer_enterprise_id IS NULL))
);
CREATE INDEX intents_state ON intents (state, created_at);
CREATE INDEX intents_payer_account ON intents (payer_account_id) WHERE payer_account_id IS NOT NULL;
CREATE INDEX intents_payer_enterprise ON intents (payer_enterprise_id) WHERE payer_enterprise_id IS NOT NULL;

-- The daily sequence of intent numbers (PAY<yyyymmdd><6 digits>).
CREATE TABLE intent_numbers (
    day  date PRIMARY KEY,
    last integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

CREATE TABLE intent_items (
    intent_id      uuid NOT NULL REFERENCES intents (id),
    pos            integer NOT NULL,
    name           text NOT NULL,
    quantity       integer NOT NULL CHECK (quantity > 0),
    unit_price_fen bigint NOT NULL CHECK (unit_price_fen >= 0),
    amount_fen     bigint NOT NULL CHECK (amount_fen >= 0),
    tax_rate_bp    integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (intent_id, pos)
);

-- The bytes once per SHA-256, sealed (AES-256-GCM, aad "payments.file_blobs.data/<sha256>").
CREATE TABLE file_blobs (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data       bytea NOT NULL,
    size       bigint NOT NULL CHECK (size > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Remittance slips (汇款凭证) of a bank transfer: several per intent, uploaded by the payer.
CREATE TABLE slips (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    intent_id    uuid NOT NULL REFERENCES intents (id),
    name         text NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/bmp',
                                                       'application/pdf')),
    size         bigint NOT NULL CHECK (size > 0 AND size <= 5242880),
    sha256       text NOT NULL REFERENCES file_blobs (sha256),
    uploaded_by  uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slips_intent ON slips (intent_id, created_at);

-- Money received for an intent, by any method: once per (method, external_id) — the bank
-- transaction number of a transfer, the provider's transaction id of an online payment.
CREATE TABLE receipts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    intent_id   uuid NOT NULL REFERENCES intents (id),
    method      text NOT NULL CHECK (method IN ('bank_transfer', 'wechat', 'alipay')),
    external_id text NOT NULL CHECK (external_id <> ''),
    amount_fen  bigint NOT NULL CHECK (amount_fen > 0),
    fee_fen     bigint NOT NULL DEFAULT 0 CHECK (fee_fen >= 0 AND fee_fen <= amount_fen),
    applied_fen bigint NOT NULL CHECK (applied_fen >= 0),
    excess_fen  bigint NOT NULL CHECK (excess_fen >= 0),
    received_on date NOT NULL,
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (method, external_id),
    CHECK (applied_fen + excess_fen = amount_fen)
);
CREATE INDEX receipts_intent ON receipts (intent_id, created_at);

-- Refunds that succeeded: once per (method, external_refund_id).
CREATE TABLE refunds (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    intent_id          uuid NOT NULL REFERENCES intents (id),
    method             text NOT NULL CHECK (method IN ('bank_transfer', 'wechat', 'alipay')),
    external_refund_id text NOT NULL CHECK (external_refund_id <> ''),
    amount_fen         bigint NOT NULL CHECK (amount_fen > 0),
    excess_fen         bigint NOT NULL CHECK (excess_fen >= 0 AND excess_fen <= amount_fen),
    reason             text NOT NULL,
    actor              text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (method, external_refund_id)
);
CREATE INDEX refunds_intent ON refunds (intent_id, created_at);

-- The double-entry ledger: one entry per payment, refund, fee or disbursement, once per
-- (kind, ref); its lines in fen, each a debit or a credit. Append-only (the triggers
-- below); an entry's debits equal its credits (checked at commit); balances are sums.
CREATE TABLE ledger_entries (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind ~ '^[a-z_.]+$'),
    ref        text NOT NULL CHECK (ref <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, ref)
);

CREATE TABLE ledger_lines (
    id         bigserial PRIMARY KEY,
    entry_id   bigint NOT NULL REFERENCES ledger_entries (id),
    account    text NOT NULL CHECK (account ~ '^(asset|liability|revenue|expense|memo):[A-Za-z0-9_:.-]+$'),
    debit_fen  bigint NOT NULL DEFAULT 0 CHECK (debit_fen >= 0),
    credit_fen bigint NOT NULL DEFAULT 0 CHECK (credit_fen >= 0),
    CHECK ((debit_fen > 0) <> (credit_fen > 0))
);
CREATE INDEX ledger_lines_entry ON ledger_lines (entry_id);
CREATE INDEX ledger_lines_account ON ledger_lines (account);

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON ledger_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_lines_no_truncate BEFORE TRUNCATE ON ledger_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- An entry balances and has lines, checked when the transaction commits (after all its
-- lines are in), whatever wrote them.
-- search_path fixed at creation: the trigger fires for any session, the superuser's too.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
DECLARE
    d bigint;
    c bigint;
    n bigint;
BEGIN
    SELECT COALESCE(SUM(debit_fen), 0), COALESCE(SUM(credit_fen), 0), COUNT(*)
      INTO d, c, n FROM ledger_lines WHERE entry_id = NEW.id;
    IF n < 2 OR d <> c OR d = 0 THEN
        RAISE EXCEPTION 'ledger entry % unbalanced: debits %, credits %, lines %', NEW.id, d, c, n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
