-- The append-only audit log: who (role and account or job), when (to the second, UTC) and
-- what changed (action, subject, and a description of the change that names fields and
-- states, never sensitive content such as identity answers).
--
-- Append-only is enforced by the database, in two layers:
--   1. Triggers that raise on UPDATE, DELETE and TRUNCATE. They hold for every role that
--      uses the table, the table owner included — and the application connects as the
--      owner in the default deployment (one role runs migrations and the app), so this is
--      the guarantee the tests check.
--   2. REVOKE of UPDATE, DELETE and TRUNCATE from PUBLIC, so a separate, non-owner
--      application role (the recommended production set-up: GRANT SELECT, INSERT only)
--      lacks the privilege in the first place.
-- Only the owner or a superuser could remove the triggers (DDL); the application never runs DDL
-- outside migrations.
-- No foreign keys: the log outlives what it describes (purged sensitive data, withdrawn
-- candidacies).
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at   timestamptz(0) NOT NULL DEFAULT now(),
    actor_role    text NOT NULL CHECK (actor_role IN (
                      'persona_candidata', 'representacion', 'instancia_interna', 'igualdad_genero',
                      'informatica', 'sistema')),
    actor_id      text NOT NULL CHECK (btrim(actor_id) <> ''),
    action        text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),   -- e.g. profile.transition
    subject_type  text NOT NULL CHECK (subject_type ~ '^[a-z_]+$'),
    subject_id    text NOT NULL,
    candidacy_id  text,
    changes       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(changes) = 'object')
);
CREATE INDEX audit_log_candidacy_idx ON audit_log (candidacy_id, id) WHERE candidacy_id IS NOT NULL;
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'La bitácora de auditoría solo admite altas.';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
