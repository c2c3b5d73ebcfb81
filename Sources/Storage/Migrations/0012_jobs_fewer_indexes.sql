-- Every index that mentions `state` makes each state change of a job (fetch, completion)
-- insert new index entries instead of a cheap in-place (HOT) update. The (kind, state) index
-- served only staff listings and statistics, which scan a table the pruner keeps small;
-- the queue's hot paths don't use it. Measured in docs/BENCHMARKS.md (Queue).
DROP INDEX IF EXISTS jobs_kind_state_idx;
