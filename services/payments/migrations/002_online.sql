-- payments, online payment (issue 18): the attempts at WeChat Pay / Alipay, the refunds asked
-- of a provider, and the daily reconciliation of the providers' statements with the ledger.

-- One attempt per (intent, method) start: out_trade_no is ours, the number the provider knows
-- the trade by. A notify or a query settles it (succeeded, with the provider's transaction id)
-- or the provider closes it. query_after: when the tick asks the provider if no notify came.
CREATE TABLE online_attempts (
    out_trade_no   text PRIMARY KEY CHECK (out_trade_no ~ '^PO[0-9A-Z]{10,30}$'),
    intent_id      uuid NOT NULL REFERENCES intents (id),
    method         text NOT NULL CHECK (method IN ('wechat', 'alipay')),
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    pay_url        text,                 -- code_url (WeChat) or page-pay URL (Alipay)
    state          text NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'succeeded', 'closed', 'failed')),
    transaction_id text,
    queries        integer NOT NULL DEFAULT 0,
    query_after    timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    settled_at     timestamptz
);
CREATE INDEX online_attempts_due ON online_attempts (query_after) WHERE state = 'pending';
CREATE INDEX online_attempts_intent ON online_attempts (intent_id, method, created_at);

-- A refund asked of a provider: a late success on a closed or refunded intent (out_refund_no
-- RL<out_trade_no>), or finance's refund of an online payment (RF<digest of its key>).
-- pending until the provider accepted it and it was recorded (payments_refund_record_tx).
CREATE TABLE online_refunds (
    out_refund_no text PRIMARY KEY CHECK (out_refund_no ~ '^R[LF][0-9A-Za-z]{10,40}$'),
    out_trade_no  text NOT NULL REFERENCES online_attempts (out_trade_no),
    intent_id     uuid NOT NULL REFERENCES intents (id),
    amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
    reason        text NOT NULL,
    state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded')),
    refund_id     text,
    tries         integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    settled_at    timestamptz
);
CREATE INDEX online_refunds_pending ON online_refunds (created_at) WHERE state = 'pending';

-- A reconciliation of one provider's statement of one day with the ledger.
CREATE TABLE recon_runs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    bill_date      date NOT NULL,
    method         text NOT NULL CHECK (method IN ('wechat', 'alipay')),
    state          text NOT NULL CHECK (state IN ('matched', 'differences', 'failed')),
    statement_rows integer NOT NULL DEFAULT 0,
    ledger_rows    integer NOT NULL DEFAULT 0,
    differences    integer NOT NULL DEFAULT 0,
    error          text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recon_runs_date ON recon_runs (bill_date, method, created_at);

CREATE TABLE recon_differences (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id        uuid NOT NULL REFERENCES recon_runs (id),
    bill_date     date NOT NULL,
    method        text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('missing_in_ledger', 'missing_in_statement',
                                                'amount_mismatch', 'fee_mismatch')),
    out_trade_no  text,
    external_id   text,
    statement_fen bigint,
    ledger_fen    bigint,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recon_differences_run ON recon_differences (run_id);
CREATE INDEX recon_differences_date ON recon_differences (bill_date, created_at);
