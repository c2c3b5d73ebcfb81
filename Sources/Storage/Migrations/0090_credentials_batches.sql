-- Credentials e-mails in batches (`mail.credentials` claims the accounts due a message
-- instead of one job per account): the issue number the activation token is derived from
-- (HMAC of a server key over the account id and this number; only its hash is stored), the
-- moment the issue was made (the e-mail's Date and Message-ID, so a retry is the same
-- bytes), and a lease (until when, and which job holds it) that keeps two workers from sending
-- one account at once without a lock held across SMTP; a retry of the same job takes its
-- accounts back at once.
ALTER TABLE accounts
    ADD COLUMN credentials_issue integer NOT NULL DEFAULT 1 CHECK (credentials_issue > 0),
    ADD COLUMN credentials_issued_at timestamptz,
    ADD COLUMN credentials_lease_until timestamptz,
    ADD COLUMN credentials_lease_job bigint;
