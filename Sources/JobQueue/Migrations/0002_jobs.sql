-- The job queue (target JobQueue). One table, River-like. See docs/QUEUE.md.
CREATE TYPE job_state AS ENUM (
    'available',   -- ready to run now
    'scheduled',   -- waits for scheduled_at
    'running',     -- fetched by a worker (attempted_by), heartbeats while it runs
    'retryable',   -- failed, will run again at scheduled_at
    'completed',
    'discarded',   -- failed max_attempts times, or failed permanently; keeps every error
    'cancelled'
);

CREATE TABLE jobs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 128),
    queue         text NOT NULL DEFAULT 'default' CHECK (char_length(queue) BETWEEN 1 AND 128),
    args          jsonb NOT NULL DEFAULT '{}',
    state         job_state NOT NULL DEFAULT 'available',
    priority      smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 0 AND 9),   -- 0 runs first
    attempt       smallint NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts  smallint NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
    scheduled_at  timestamptz NOT NULL DEFAULT now(),
    attempted_at  timestamptz,
    attempted_by  text,
    heartbeat_at  timestamptz,
    finalized_at  timestamptz,
    errors        jsonb NOT NULL DEFAULT '[]',   -- [{attempt, at, error, worker}]
    unique_key    text,
    unique_scope  text CHECK (unique_scope IN ('live', 'window')),
    tags          text[] NOT NULL DEFAULT '{}',
    metadata      jsonb NOT NULL DEFAULT '{}',
    pipeline_run  bigint,
    pipeline_step text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_finalized_at_matches_state CHECK (
        (state IN ('completed', 'discarded', 'cancelled')) = (finalized_at IS NOT NULL)),
    CONSTRAINT jobs_unique_key_has_scope CHECK ((unique_key IS NULL) = (unique_scope IS NULL))
);

-- The fetch: available jobs of a queue in priority, time, id order.
CREATE INDEX jobs_fetch_idx ON jobs (queue, priority, scheduled_at, id) WHERE state = 'available';
-- The scheduler: scheduled and retryable jobs that come due.
CREATE INDEX jobs_due_idx ON jobs (scheduled_at) WHERE state IN ('scheduled', 'retryable');
-- The rescuer: running jobs whose heartbeat stopped.
CREATE INDEX jobs_running_idx ON jobs (heartbeat_at) WHERE state = 'running';
-- The pruner: finalized jobs by age.
CREATE INDEX jobs_finalized_idx ON jobs (finalized_at) WHERE finalized_at IS NOT NULL;
-- Uniqueness over live states: a duplicate insert while one is pending or running is skipped.
CREATE UNIQUE INDEX jobs_unique_live_idx ON jobs (unique_key)
    WHERE unique_scope = 'live' AND state IN ('available', 'scheduled', 'running', 'retryable');
-- Uniqueness over a time window: the key carries the window's bucket; any state counts.
CREATE UNIQUE INDEX jobs_unique_window_idx ON jobs (unique_key) WHERE unique_scope = 'window';
CREATE INDEX jobs_pipeline_idx ON jobs (pipeline_run) WHERE pipeline_run IS NOT NULL;
CREATE INDEX jobs_kind_state_idx ON jobs (kind, state);

-- Leader election for maintenance (scheduler, rescuer, pruner, cron): one lease row per name.
CREATE TABLE job_leaders (
    name        text PRIMARY KEY,
    leader_id   text NOT NULL,
    elected_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

-- Pipeline runs: a small DAG of job kinds started by a domain event.
CREATE TABLE pipeline_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pipeline     text NOT NULL,
    state        text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'failed', 'cancelled')),
    args         jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
