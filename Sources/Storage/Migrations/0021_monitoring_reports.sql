-- Deadline reminders sent to the representatives of non-compliant parties, coalitions and
-- independent candidacies (reminders.deadline). The unique key is the guarantee of "one
-- reminder per entity, deadline and reminder day, never two": the worker inserts the row and
-- sends the e-mail in one transaction, so a concurrent run waits on the key and then skips.
CREATE TABLE deadline_reminders (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_id    text NOT NULL REFERENCES election_processes (id),
    entity_kind   text NOT NULL,
    entity_code   text NOT NULL,
    deadline      date NOT NULL,
    reminder_day  integer NOT NULL CHECK (reminder_day >= 0),    -- natural days before the deadline
    account_id    uuid NOT NULL REFERENCES accounts (id),        -- the generic account written to
    candidacies   integer NOT NULL CHECK (candidacies > 0),      -- how many were listed as missing or incomplete
    sent_at       timestamptz NOT NULL,
    FOREIGN KEY (process_id, entity_kind, entity_code) REFERENCES postulating_entities (process_id, kind, code),
    CONSTRAINT deadline_reminders_once UNIQUE (process_id, entity_kind, entity_code, deadline, reminder_day)
);

-- Progress reports for the Consejo General (reports.progress): periodic ones (at least April
-- and May) and the final one, each generated once on its date, with its printable HTML and
-- its CSV. Aggregated counts only, plus the list of candidacies never published; never an
-- individual identity answer.
CREATE TABLE progress_reports (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_id    text NOT NULL REFERENCES election_processes (id),
    kind          text NOT NULL CHECK (kind IN ('periodico', 'final')),
    due_on        date NOT NULL,
    title         text NOT NULL CHECK (btrim(title) <> ''),
    html          text NOT NULL,
    csv           text NOT NULL,
    generated_at  timestamptz NOT NULL,
    CONSTRAINT progress_reports_once UNIQUE (process_id, kind, due_on)
);
