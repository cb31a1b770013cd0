-- Certificate orders (订单, orders.c): the price table, orders of one holder's applications
-- paid through a payments intent, their lines, the daily sequence of order numbers; the
-- subject taken at acceptance, kept for an issuance that waits for the payment.

-- Prices in fen per kind × medium × years. The certificate service is taxed 6 % (现代服务);
-- a new USB Key certificate adds the key itself as a separate line taxed 13 % (货物). A
-- renewal reuses the holder's key (mailed in with the receipt), so it has no hardware line.
CREATE TABLE cert_prices (
    kind                 text NOT NULL CHECK (kind IN ('new', 'renewal')),
    medium               text NOT NULL CHECK (medium IN ('usbkey', 'cloud', 'software')),
    years                int NOT NULL CHECK (years BETWEEN 1 AND 3),
    service_fen          bigint NOT NULL CHECK (service_fen > 0),
    tax_rate_bp          int NOT NULL DEFAULT 600 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    hardware_fen         bigint NOT NULL DEFAULT 0 CHECK (hardware_fen >= 0),
    hardware_tax_rate_bp int NOT NULL DEFAULT 1300 CHECK (hardware_tax_rate_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (kind, medium, years)
);
INSERT INTO cert_prices (kind, medium, years, service_fen, hardware_fen) VALUES
    ('new', 'usbkey', 1, 30000, 8000), ('new', 'usbkey', 2, 55000, 8000),
    ('new', 'usbkey', 3, 80000, 8000),
    ('new', 'cloud', 1, 20000, 0), ('new', 'cloud', 2, 38000, 0), ('new', 'cloud', 3, 55000, 0),
    ('new', 'software', 1, 15000, 0), ('new', 'software', 2, 28000, 0),
    ('new', 'software', 3, 40000, 0),
    ('renewal', 'usbkey', 1, 25000, 0), ('renewal', 'usbkey', 2, 47000, 0),
    ('renewal', 'usbkey', 3, 68000, 0),
    ('renewal', 'cloud', 1, 18000, 0), ('renewal', 'cloud', 2, 34000, 0),
    ('renewal', 'cloud', 3, 50000, 0),
    ('renewal', 'software', 1, 12000, 0), ('renewal', 'software', 2, 23000, 0),
    ('renewal', 'software', 3, 33000, 0);

CREATE TABLE cert_order_numbers (
    day  date PRIMARY KEY,
    last integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

-- Personal data (the tax ID, which may be a person's ID number, the e-mail, the recipient,
-- the address) sealed under PII_ENC_KEY (aad certs.cert_orders.<field>) with a masked copy.
-- received/excess/refunded follow the intent's events (orders_events.c).
CREATE TABLE cert_orders (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    no                    text NOT NULL UNIQUE,
    profile               text NOT NULL CHECK (profile IN ('enterprise', 'personal')),
    enterprise_id         uuid,
    created_by            uuid NOT NULL,
    state                 text NOT NULL DEFAULT 'unpaid'
                          CHECK (state IN ('unpaid', 'partial', 'paid', 'cancelled', 'refunded')),
    payment_method        text NOT NULL CHECK (payment_method IN ('bank_transfer', 'online')),
    total_fen             bigint NOT NULL CHECK (total_fen > 0),
    received_fen          bigint NOT NULL DEFAULT 0 CHECK (received_fen >= 0),
    excess_fen            bigint NOT NULL DEFAULT 0 CHECK (excess_fen >= 0),
    refunded_fen          bigint NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
    invoice_title         text NOT NULL,
    invoice_tax_id_enc    bytea NOT NULL,
    invoice_tax_id_masked text NOT NULL,
    invoice_email_enc     bytea NOT NULL,
    invoice_email_masked  text NOT NULL,
    recipient_name_enc    bytea,
    recipient_name_masked text,
    recipient_phone_enc   bytea,
    recipient_phone_masked text,
    address_enc           bytea,
    address_masked        text,
    intent_id             uuid UNIQUE,
    paid_at               timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((profile = 'enterprise') = (enterprise_id IS NOT NULL))
);
CREATE INDEX cert_orders_creator ON cert_orders (created_by, created_at DESC)
    WHERE enterprise_id IS NULL;
CREATE INDEX cert_orders_enterprise ON cert_orders (enterprise_id, created_at DESC)
    WHERE enterprise_id IS NOT NULL;
-- The tick's work: orders whose intent payments has not yet answered.
CREATE INDEX cert_orders_no_intent ON cert_orders (created_at) WHERE intent_id IS NULL
    AND state = 'unpaid';

-- One line per charge: the service of each application, and its USB Key when new. `open`
-- holds while the order is unpaid, partly paid or paid: an application is in at most one
-- such order (the index), and is free again once its order is cancelled or refunded.
CREATE TABLE cert_order_lines (
    order_id       uuid NOT NULL REFERENCES cert_orders (id),
    line           int NOT NULL CHECK (line >= 1),
    -- NULL once a (pending, no longer ordered) application is deleted: the line stays
    application_id uuid REFERENCES cert_applications (id) ON DELETE SET NULL,
    item           text NOT NULL CHECK (item IN ('service', 'hardware')),
    description    text NOT NULL,
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    tax_rate_bp    int NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    open           boolean NOT NULL DEFAULT true,
    PRIMARY KEY (order_id, line)
);
CREATE UNIQUE INDEX cert_order_lines_open ON cert_order_lines (application_id, item) WHERE open;
CREATE INDEX cert_order_lines_application ON cert_order_lines (application_id);

-- The subject as the registry gave it at acceptance (the identifier sealed, aad
-- certs.cert_applications.subject_code): an application accepted before its order is paid is
-- issued from it when the payment arrives, without a call to another service from inside
-- the event's transaction.
ALTER TABLE cert_applications ADD COLUMN subject_code_enc bytea;
