-- An override covers what its author saw: the failing pre-flight checks (ids and observed values) at the
-- moment of the override, written with override_by/reason/at. Null when there is no override.
alter table action_runs add column override_checks jsonb;
-- The last re-check before the start that found failing checks nothing covered (the run stayed pending):
-- {at, changed: [check], lapsed: {by, reason, at, covers} | null}. Null when none did.
alter table action_runs add column preflight_recheck jsonb;

-- Waiting runs overridden before this migration: their stored pre-flight is still the one the lead saw
-- (it is only replaced at the start), so its failing checks are what the override covers.
update action_runs r
   set override_checks = coalesce((select jsonb_agg(c) from jsonb_array_elements(r.preflight) c where c ->> 'ok' = 'false'), '[]'::jsonb)
 where r.override_reason is not null and r.status = 'pending';
