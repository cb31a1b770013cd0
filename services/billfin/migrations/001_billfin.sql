-- Commercial-bill financing (商票融资): orders with their bill, quotes, documents and the
-- steps of the flow; the daily sequence of order numbers; uploads (sealed, content-
-- addressed); the official holiday years the discount calendar is built from.

CREATE TABLE bill_numbers (
    day  date PRIMARY KEY,
    last integer NOT NULL CHECK (last BETWEEN 1 AND 999)
);

-- The bytes once per SHA-256, sealed (AES-256-GCM, aad "billfin.file_blobs.data/<sha256>").
CREATE TABLE file_blobs (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data       bytea NOT NULL,
    size       bigint NOT NULL CHECK (size > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per upload (kind front | contract | invoice) of an order.
CREATE TABLE files (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id     uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('front', 'contract', 'invoice')),
    name         text NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/bmp',
                                                       'application/pdf')),
    size         bigint NOT NULL CHECK (size > 0 AND size <= 5242880),
    sha256       text NOT NULL REFERENCES file_blobs (sha256),
    uploaded_by  uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX files_order ON files (order_id, created_at);

CREATE TABLE orders (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    no                 text NOT NULL UNIQUE,
    state              text NOT NULL DEFAULT 'quoting'
                           CHECK (state IN ('quoting', 'confirming', 'reviewing', 'endorsing',
                                            'disbursing', 'completed', 'closed')),
    enterprise_id      uuid NOT NULL,
    enterprise_name    text NOT NULL,
    applicant_id       uuid NOT NULL,
    addressed_to       uuid,                -- a bill_funder institution; NULL: any funder
    addressed_name     text,
    -- the bill
    bill_package_no    text NOT NULL CHECK (bill_package_no ~ '^[0-9]{30}$'),
    bill_type          integer NOT NULL,
    acceptor_name      text NOT NULL,
    acceptor_type      text NOT NULL,
    acceptor_uscc      text,
    acceptor_disclosed_on date,
    face_fen           bigint NOT NULL CHECK (face_fen > 0),
    issue_date         date NOT NULL,
    due_date           date NOT NULL,
    drawer             text NOT NULL,
    payee              text NOT NULL,
    sub_range          text NOT NULL,
    front_file_id      uuid NOT NULL REFERENCES files (id),
    -- confirmation: the quote, its funder (NULL with a platform quote) and the account
    quote_id           uuid,
    funder_id          uuid,
    funder_name        text,
    account_id         uuid,
    account_name       text,
    account_bank       text,
    account_branch     text,
    account_masked     text,
    contract_file_id   uuid REFERENCES files (id),
    invoice_file_id    uuid REFERENCES files (id),
    -- review
    review_status      text NOT NULL DEFAULT ''
                           CHECK (review_status IN ('', 'pending', 'rejected', 'approved')),
    review_reason      text,
    reviewed_by        uuid,
    endorsee_name      text,
    endorsee_account   text,
    endorsee_bank      text,
    -- disbursement
    signed_at          timestamptz,
    paid_fen           bigint,
    paid_at            timestamptz,
    payment_reference  text,
    disbursed_by       uuid,
    -- closing
    close_reason       text,
    closed_by          text CHECK (closed_by IN ('enterprise', 'operator')),
    closed_by_person   uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    quoted_at          timestamptz,
    confirmed_at       timestamptz,
    submitted_at       timestamptz,
    reviewed_at        timestamptz,
    endorsed_at        timestamptz,
    completed_at       timestamptz,
    closed_at          timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- The enterprise's list (newest first) and the queues (oldest first, per state).
CREATE INDEX orders_enterprise ON orders (enterprise_id, created_at DESC, no DESC);
CREATE INDEX orders_state ON orders (state, created_at, no);
CREATE INDEX orders_funder ON orders (funder_id, created_at) WHERE funder_id IS NOT NULL;
CREATE INDEX orders_addressed ON orders (addressed_to, created_at) WHERE quote_id IS NULL;

-- Quotes: one open quote per quoter (a funder, or the platform: institution_id NULL) and
-- order; a new quote of the same quoter supersedes its open one. Every component is stored.
CREATE TABLE quotes (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id           uuid NOT NULL REFERENCES orders (id),
    institution_id     uuid,
    quoter_name        text NOT NULL,
    quoted_by          uuid NOT NULL,
    rate_form          text NOT NULL CHECK (rate_form IN ('rate_bp', 'per_100k_fen')),
    rate_bp            integer NOT NULL,
    per_100k_fen       bigint NOT NULL,
    adjust_days        integer NOT NULL,
    fee_fen            bigint NOT NULL,
    face_fen           bigint NOT NULL,
    discount_date      date NOT NULL,
    due_date           date NOT NULL,
    effective_due_date date NOT NULL,
    days               integer NOT NULL,
    interest_fen       bigint NOT NULL,
    net_fen            bigint NOT NULL CHECK (net_fen > 0),
    calendar           text NOT NULL CHECK (calendar IN ('official', 'provisional')),
    valid_until        timestamptz NOT NULL,
    requote_required   boolean NOT NULL DEFAULT false,
    state              text NOT NULL DEFAULT 'open'
                           CHECK (state IN ('open', 'superseded', 'confirmed')),
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX quotes_open ON quotes (order_id, coalesce(institution_id, '00000000-0000-0000-0000-000000000000'::uuid))
    WHERE state = 'open';
CREATE INDEX quotes_order ON quotes (order_id, created_at);

-- Official holiday schedules (国务院办公厅 notices) in the holiday-cn JSON format, one row per
-- year; seeded at start from services/billfin/data/holidays/ when absent, added by operators.
-- version grows with every load: replicas rebuild their cached calendar when it moved.
CREATE SEQUENCE holiday_version;
CREATE TABLE holiday_years (
    year       integer PRIMARY KEY CHECK (year BETWEEN 1990 AND 2200),
    json       text NOT NULL,
    source     text NOT NULL,
    loaded_by  text NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT nextval('holiday_version')
);
