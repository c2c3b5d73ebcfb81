-- A message refused for its recipient (a mistyped address: 550 unknown mailbox) is recorded
-- against the account with the server's reply, so staff see who never got their link and
-- why; cleared when a later message to the account goes through.
ALTER TABLE accounts
    ADD COLUMN mail_failed_at timestamptz,
    ADD COLUMN mail_failure text;
