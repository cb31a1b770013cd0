-- Receiving accounts proven by micro-deposit (小额打款验证), edited and deleted while
-- unverified. Owned by receiving_accounts.c and micro_deposits.c.

-- A deleted account is kept (audit, a deposit's history) but hidden from lists and
-- from the bus; its number may be added again, so uniqueness holds among live ones.
ALTER TABLE receiving_accounts DROP CONSTRAINT receiving_accounts_state_check;
ALTER TABLE receiving_accounts ADD CONSTRAINT receiving_accounts_state_check
    CHECK (state IN ('unverified', 'verified', 'deleted'));
ALTER TABLE receiving_accounts
    DROP CONSTRAINT receiving_accounts_enterprise_id_account_number_hash_key;
CREATE UNIQUE INDEX receiving_accounts_live_number
    ON receiving_accounts (enterprise_id, account_number_hash) WHERE state <> 'deleted';
ALTER TABLE receiving_accounts
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN deleted_at timestamptz;

-- One row per micro-deposit. The amount (1-99 fen, CSPRNG) is sealed (AES-256-GCM, aad
-- "enterprise.micro_deposits.amount/<account id>"): it must be sent again when the bank
-- did not acknowledge, and compared when the enterprise enters it; no response, log,
-- audit entry or event carries it. The deposit's id is the payout's request id at the
-- bank (idempotent there).
CREATE TABLE micro_deposits (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id     uuid NOT NULL REFERENCES receiving_accounts(id),
    enterprise_id  uuid NOT NULL REFERENCES enterprises(id),
    amount_enc     bytea NOT NULL,
    state          text NOT NULL DEFAULT 'sending'
                       CHECK (state IN ('sending', 'processing', 'sent', 'failed', 'verified',
                                        'spent', 'expired', 'cancelled')),
    attempts       int NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 3),
    bank_reference text,
    failure_reason text,
    created_by     uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz,
    settled_at     timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- At most one live deposit per account: two starts racing, one wins.
CREATE UNIQUE INDEX micro_deposits_live ON micro_deposits (account_id)
    WHERE state IN ('sending', 'processing', 'sent');
CREATE INDEX micro_deposits_account ON micro_deposits (account_id, created_at DESC);
-- The deposits awaiting the bank, polled when an enterprise's accounts are read.
CREATE INDEX micro_deposits_pending ON micro_deposits (enterprise_id)
    WHERE state IN ('sending', 'processing');
