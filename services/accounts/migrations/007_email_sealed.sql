-- E-mail addresses sealed like the phone (AES-256-GCM, common/crypto.h; aad
-- "accounts.persons.email" and "accounts.verifications.email") beside a masked copy for
-- display (z***@example.com). The key lives only in the daemon's config, so this file
-- only adds the columns: accounts seals the addresses stored in clear before, at its next
-- start, and drops the plain columns in that same transaction (email.c,
-- accounts_email_seal_legacy); a migration dropping them would run before that start and
-- lose them. Until then the plain column of verifications may stay empty for new rows.
ALTER TABLE persons
    ADD COLUMN email_enc    bytea,
    ADD COLUMN email_masked text,
    ADD CHECK ((email_enc IS NULL) = (email_masked IS NULL));
ALTER TABLE verifications
    ADD COLUMN email_enc    bytea,
    ADD COLUMN email_masked text,
    ALTER COLUMN email DROP NOT NULL,
    ADD CHECK ((email_enc IS NULL) = (email_masked IS NULL));
