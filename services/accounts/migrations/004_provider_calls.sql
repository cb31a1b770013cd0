-- A paid identity check is recorded before it is made and its final answer as soon as it
-- comes, each committed on its own (services/accounts/README.md, "Provider calls"): a
-- retry after a failure to save the verification's outcome reuses the recorded answer,
-- and a retry after a call whose answer was not recorded sends the same request_id (the
-- verification's id), which the provider answers again without billing it twice.
ALTER TABLE verifications
    ADD COLUMN provider_called_at timestamptz,   -- the last call, recorded before it was made
    ADD COLUMN provider_outcome   text CHECK (provider_outcome IN ('match', 'mismatch')),
    ADD COLUMN provider_factor    text CHECK (provider_factor IN ('name', 'id_number', 'bank_card', 'phone', 'face')),
    ADD COLUMN provider_reason    text,
    ADD CHECK ((provider_outcome = 'mismatch') = (provider_factor IS NOT NULL)),
    ADD CHECK (provider_outcome IS NULL OR provider_called_at IS NOT NULL);
