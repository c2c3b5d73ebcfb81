-- The pruner deletes pipeline runs that ended (completed, failed, cancelled) past their
-- retention, with the steps it kept for them (JobMaintenance.pruneOnce). This index serves
-- that scan; running runs are not in it.
CREATE INDEX pipeline_runs_finished_idx ON pipeline_runs (finished_at) WHERE finished_at IS NOT NULL;

-- Runs left `running` by the faults this release fixes end now, so the pruner can take them:
-- a step discarded by the rescuer → failed; a step cancelled by staff → cancelled; no step
-- left at all (the old pruner deleted them) → failed.
UPDATE pipeline_runs r SET state = 'failed', finished_at = now()
 WHERE r.state = 'running' AND EXISTS (SELECT 1 FROM jobs j WHERE j.pipeline_run = r.id AND j.state = 'discarded');
UPDATE pipeline_runs r SET state = 'cancelled', finished_at = now()
 WHERE r.state = 'running' AND EXISTS (SELECT 1 FROM jobs j WHERE j.pipeline_run = r.id AND j.state = 'cancelled');
UPDATE pipeline_runs r SET state = 'failed', finished_at = now()
 WHERE r.state = 'running' AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.pipeline_run = r.id);
