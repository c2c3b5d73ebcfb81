-- The pruner deletes pipeline runs that ended (completed, failed, cancelled) past their
-- retention, with the steps it kept for them (JobMaintenance.pruneOnce). This index serves
-- that scan; running runs are not in it.
CREATE INDEX pipeline_runs_finished_idx ON pipeline_runs (finished_at) WHERE finished_at IS NOT NULL;
