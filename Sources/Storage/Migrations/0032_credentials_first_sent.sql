-- The credentials deadline (3 natural days after approval) is measured from the first
-- sending: a resend (a lost e-mail, a corrected address) must not make an account that was
-- mailed on time look late. `credentials_sent_at` stays the last sending (the idempotency
-- record of `mail.credentials`); resends are counted and dated on their own.
ALTER TABLE accounts
    ADD COLUMN first_credentials_sent_at timestamptz,
    ADD COLUMN credentials_resends integer NOT NULL DEFAULT 0,
    ADD COLUMN credentials_last_resent_at timestamptz;

UPDATE accounts SET first_credentials_sent_at = credentials_sent_at WHERE credentials_sent_at IS NOT NULL;
