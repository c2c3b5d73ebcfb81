-- The profile workflow of each candidacy (ConocelesCore.ProfileLifecycle): its current state
-- and every transition, written together by ProfileWorkflowRepository in one transaction.
CREATE TABLE profile_workflows (
    candidacy_id       text PRIMARY KEY REFERENCES candidacies (id),
    state              text NOT NULL DEFAULT 'pendiente' CHECK (state IN (
                           'pendiente', 'en_captura', 'completo', 'autorizado', 'devuelto', 'verificado',
                           'publicado', 'modificacion_solicitada', 'en_modificacion', 'modificacion_enviada',
                           'reverificado', 'republicado')),
    transition_count   integer NOT NULL DEFAULT 0 CHECK (transition_count >= 0),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- Monitoring counts profiles by state.
CREATE INDEX profile_workflows_state_idx ON profile_workflows (state);

CREATE TABLE profile_transitions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    candidacy_id  text NOT NULL REFERENCES profile_workflows (candidacy_id),
    from_state    text NOT NULL,
    to_state      text NOT NULL,
    action        text NOT NULL CHECK (action IN (
                      'iniciar_captura', 'marcar_completo', 'reabrir', 'autorizar', 'verificar',
                      'devolver', 'retomar_captura', 'publicar', 'solicitar_modificacion',
                      'aprobar_modificacion', 'rechazar_modificacion', 'enviar_modificacion',
                      'reverificar', 'republicar')),
    actor_role    text NOT NULL CHECK (actor_role IN ('persona_candidata', 'representacion', 'instancia_interna', 'sistema')),
    actor_id      text NOT NULL,
    observations  text,
    occurred_at   timestamptz NOT NULL,
    CONSTRAINT profile_transitions_moves CHECK (from_state <> to_state)
);
CREATE INDEX profile_transitions_candidacy_idx ON profile_transitions (candidacy_id, id);
