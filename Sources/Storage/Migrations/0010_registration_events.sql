-- Events from the registration system (SIRC): approvals, substitutions, cancellations and
-- updates, signed JSON over HTTP or rows of a CSV batch. Each event id is stored once
-- (a duplicate delivery is recognized, not applied twice). An event that cannot apply yet
-- (a cancellation of a candidacy not yet approved) is held, and applied when it can.
CREATE TABLE registration_events (
    id             text PRIMARY KEY CHECK (btrim(id) <> ''),
    process_id     text NOT NULL REFERENCES election_processes (id),
    type           text NOT NULL CHECK (type IN ('approval', 'substitution', 'cancellation', 'update')),
    candidacy_id   text NOT NULL,            -- no foreign key: may arrive before the approval
    body           jsonb NOT NULL,
    source         text NOT NULL CHECK (source IN ('api', 'csv')),
    signature      text,                     -- HMAC-SHA256 (hex) as received; CSV batches have none
    signed_at      timestamptz,              -- time the sender signed it, as it says
    received_at    timestamptz NOT NULL DEFAULT now(),
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'held', 'rejected')),
    status_reason  text,
    applied_at     timestamptz,
    CONSTRAINT registration_events_signed CHECK (source <> 'api' OR signature IS NOT NULL),
    CONSTRAINT registration_events_reason CHECK ((status IN ('held', 'rejected')) = (status_reason IS NOT NULL)),
    CONSTRAINT registration_events_applied CHECK ((status = 'applied') = (applied_at IS NOT NULL))
);
-- Held events of a candidacy are looked up when its approval arrives.
CREATE INDEX registration_events_candidacy_idx ON registration_events (candidacy_id, status);
CREATE INDEX registration_events_open_idx ON registration_events (received_at) WHERE status IN ('pending', 'held');
