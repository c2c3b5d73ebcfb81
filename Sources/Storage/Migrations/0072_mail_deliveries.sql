-- Per-recipient idempotency of messages with several recipients (the profile-returned mail
-- goes to the candidate and to the representative): the message id of each recipient's copy
-- is recorded once the SMTP server accepted it, and a retry of the job skips it.
CREATE TABLE mail_deliveries (
    message_id  text PRIMARY KEY,
    recipient   text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_deliveries_sent_at_idx ON mail_deliveries (sent_at);
