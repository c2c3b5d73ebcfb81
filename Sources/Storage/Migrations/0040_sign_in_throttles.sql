-- Sign-in throttle counters (issue 19): one row per username and one per client address,
-- bumped atomically BEFORE the password is checked, so concurrent attempts can never run
-- more password checks than the limit allows. `failures` counts attempts not (yet) known
-- to have succeeded; `last_attempt_at` is when the last counted one started. Past the free
-- attempts, the next one waits an interval that doubles with each failure (LoginThrottle).
-- login_attempts stays as the history of checked attempts (kept 30 days for investigations).
CREATE TABLE sign_in_throttles (
    scope            text NOT NULL CHECK (scope IN ('account', 'address')),
    key              text NOT NULL,
    failures         integer NOT NULL CHECK (failures >= 0),
    last_attempt_at  timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX sign_in_throttles_last_attempt_idx ON sign_in_throttles (last_attempt_at);
