-- Invoice e-mails (issue 18): one row per payments.invoice.issued | reversed event, written
-- in the subscriber's transaction, sent by the delivery threads (invoice_mail.c). The address
-- and the PDF are asked of payments at send time (GetInvoiceMail): neither is stored here.
CREATE TABLE invoice_mails (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id     text NOT NULL UNIQUE,
    event_type   text NOT NULL,
    invoice_id   uuid NOT NULL,
    invoice_no   text NOT NULL,
    -- pending: waits for next_at; sending: claimed until lease_until; skipped: no address
    state        text NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    tries        integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    lease_until  timestamptz,
    provider     text,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX invoice_mails_due ON invoice_mails (next_at) WHERE state IN ('pending', 'sending');
