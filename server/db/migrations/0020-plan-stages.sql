-- Plans (issue 13 part 1): an action made of steps (db.failover: the old primary down or fenced, promote, repoint,
-- verify) records each step's state, pre-flight and verification on its run, so the run page shows where it is and
-- where it stopped.
alter table action_runs add column stages jsonb;
