-- Outgoing SMS and e-mail (issue 20): one row per (event, channel, person), written in the
-- subscriber's transaction that applies the event (so nothing is lost when notify stops),
-- sent by the delivery workers of any replica (FOR UPDATE SKIP LOCKED: one sends each).
-- No phone number or e-mail address is stored: the workers ask accounts at send time.
CREATE TABLE deliveries (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id     text NOT NULL,
    event_type   text NOT NULL,
    category     text NOT NULL,
    channel      text NOT NULL CHECK (channel IN ('sms', 'email')),
    person_id    uuid NOT NULL,
    title        text NOT NULL,
    body         text NOT NULL,
    -- pending: waits for next_at; sending: claimed until lease_until; held: waits for the
    -- person's digest (next_at); digested: went out inside a digest; skipped: no address
    state        text NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'held', 'digested', 'skipped')),
    tries        integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    lease_until  timestamptz,
    provider     text,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    UNIQUE (event_id, channel, person_id)
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state IN ('pending', 'sending', 'held');
CREATE INDEX deliveries_state ON deliveries (state, created_at);

-- Every try of every provider, in order.
CREATE TABLE delivery_attempts (
    id           bigserial PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES deliveries (id),
    try_no       integer NOT NULL,
    provider     text NOT NULL,
    outcome      text NOT NULL,
    error        text,
    delay_ms     bigint NOT NULL DEFAULT 0,
    at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

-- A person's choices per category; no row: SMS and e-mail on, no digest.
CREATE TABLE delivery_prefs (
    person_id    uuid NOT NULL,
    category     text NOT NULL,
    sms          boolean NOT NULL DEFAULT true,
    email        boolean NOT NULL DEFAULT true,
    digest       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (person_id, category)
);
-- The hour (Asia/Shanghai) of a person's daily digest; no row: 8.
CREATE TABLE delivery_settings (
    person_id    uuid PRIMARY KEY,
    digest_hour  integer NOT NULL DEFAULT 8 CHECK (digest_hour BETWEEN 0 AND 23)
);
