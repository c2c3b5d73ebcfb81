-- conoceles: no-transaction
-- The accounts due a credentials e-mail, oldest first (what `mail.credentials` claims), built
-- without blocking the writes to accounts.
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_credentials_due_idx ON accounts (created_at)
    WHERE credentials_sent_at IS NULL AND disabled_at IS NULL AND mail_failed_at IS NULL
      AND role IN ('persona_candidata', 'representacion');
