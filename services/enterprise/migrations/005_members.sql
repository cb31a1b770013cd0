-- Membership lists, more of the persons projection, and receiving accounts (收款账户).
-- Owned by members.c, persons.c and receiving_accounts.c.

-- What accounts' events say about a person beyond 002: the masked phone
-- (accounts.person.registered) and how they were verified (accounts.person.verified).
ALTER TABLE persons
    ADD COLUMN phone_masked        text,
    ADD COLUMN verification_method text,
    ADD COLUMN registered_at       timestamptz,
    ADD COLUMN updated_at          timestamptz NOT NULL DEFAULT now();

-- The admin's list: the members and requests of one enterprise by state.
CREATE INDEX memberships_enterprise_state ON memberships (enterprise_id, state, updated_at DESC);

-- Receiving accounts of an enterprise. The account number is personal/financial data:
-- sealed (AES-256-GCM, aad "enterprise.receiving_accounts.account_number"), with a keyed
-- look-up hash (one account once per enterprise) and a mask keeping the last four digits.
-- account_name is always the certified enterprise name at the time it was added.
CREATE TABLE receiving_accounts (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    enterprise_id         uuid NOT NULL REFERENCES enterprises(id),
    account_name          text NOT NULL,
    bank_name             text NOT NULL,
    branch_name           text NOT NULL,
    account_number_enc    bytea NOT NULL,
    account_number_hash   text NOT NULL,
    account_number_masked text NOT NULL,
    state                 text NOT NULL DEFAULT 'unverified'
                              CHECK (state IN ('unverified', 'verified')),
    created_by            uuid NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    verified_at           timestamptz,
    UNIQUE (enterprise_id, account_number_hash)
);
CREATE INDEX receiving_accounts_enterprise ON receiving_accounts (enterprise_id, created_at DESC);
