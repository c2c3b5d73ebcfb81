-- A problem of the SMTP server or of its configuration (authentication, TLS, a refused relay,
-- no connection) holds every e-mail: the workers record it here so that staff see a banner
-- (/instancia/trabajos, /instancia/cuentas) and /metrics exports it; the next message that
-- goes through clears it. One row.
CREATE TABLE mail_server_status (
    id               boolean PRIMARY KEY DEFAULT true CHECK (id),
    problem_since    timestamptz,          -- NULL while mail goes through
    last_problem_at  timestamptz,
    code             text,                 -- SMTPError code (authentication_failed, tls_failed, ...)
    detail           text,                 -- the server's reply and curl's text, no secrets
    problems         bigint NOT NULL DEFAULT 0,   -- failed sendings since problem_since
    last_success_at  timestamptz
);
INSERT INTO mail_server_status (id) VALUES (true);
