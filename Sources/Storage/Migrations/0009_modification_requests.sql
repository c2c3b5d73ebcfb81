-- Requests to modify a published profile (one modification per profile, approved by staff).
-- Written by ProfileWorkflowRepository with the transition that creates or decides it.
CREATE TABLE modification_requests (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    candidacy_id      text NOT NULL REFERENCES profile_workflows (candidacy_id),
    reason            text,
    requested_by      text NOT NULL,
    requested_at      timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'applied')),
    decided_by        text,
    decided_at        timestamptz,
    observations      text,
    applied_at        timestamptz,
    CONSTRAINT modification_requests_decided CHECK ((status = 'pending') = (decided_at IS NULL)),
    CONSTRAINT modification_requests_decider CHECK ((decided_at IS NULL) = (decided_by IS NULL)),
    CONSTRAINT modification_requests_applied CHECK ((status = 'applied') = (applied_at IS NOT NULL))
);
-- Rejected requests may be followed by another; otherwise at most one per profile.
CREATE UNIQUE INDEX modification_requests_one_idx ON modification_requests (candidacy_id)
    WHERE status IN ('pending', 'approved', 'applied');
CREATE INDEX modification_requests_pending_idx ON modification_requests (requested_at) WHERE status = 'pending';
