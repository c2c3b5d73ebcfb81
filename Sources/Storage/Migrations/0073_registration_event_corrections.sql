-- Staff correct a rejected registration event in the system (/instancia/eventos-rechazados):
-- the event's body takes the corrected fields and goes back to pending (the ingest worker
-- applies it); each correction keeps who made it, when, why the event had been rejected, each
-- changed field with its original and new value, and the SHA-256 of the body as it was. The
-- original is the current body with those fields set back: no second copy of the person's
-- contact data is kept here, so the purge of event bodies covers it.
CREATE TABLE registration_event_corrections (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        text NOT NULL REFERENCES registration_events (id),
    corrected_at    timestamptz NOT NULL DEFAULT now(),
    actor_role      text NOT NULL,
    actor_id        text NOT NULL,
    original_sha256 text NOT NULL CHECK (original_sha256 ~ '^[0-9a-f]{64}$'),  -- of body::text before
    previous_reason text,                 -- why the event had been rejected
    changes         jsonb NOT NULL        -- {"field": {"from": ..., "to": ...}}
);
CREATE INDEX registration_event_corrections_event_idx ON registration_event_corrections (event_id, id);
