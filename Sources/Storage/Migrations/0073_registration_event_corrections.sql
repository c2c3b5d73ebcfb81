-- Staff correct a rejected registration event in the system (/instancia/eventos-rechazados):
-- the event's body takes the corrected fields and goes back to pending (the ingest worker
-- applies it); each correction keeps who made it, when, the fields changed and the body as
-- it was before, so the registration system's original is never lost.
CREATE TABLE registration_event_corrections (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        text NOT NULL REFERENCES registration_events (id),
    corrected_at    timestamptz NOT NULL DEFAULT now(),
    actor_role      text NOT NULL,
    actor_id        text NOT NULL,
    original_body   jsonb NOT NULL,
    corrected_body  jsonb NOT NULL,
    previous_reason text,                 -- why the event had been rejected
    changes         jsonb NOT NULL        -- {"field": {"from": ..., "to": ...}}
);
CREATE INDEX registration_event_corrections_event_idx ON registration_event_corrections (event_id, id);
