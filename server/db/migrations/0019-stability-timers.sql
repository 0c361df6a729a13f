-- Stability timers (issue 13 part 4): a step whose live check must hold for a period records since when it has held
-- without a break, in the store, so every console shows the same time left and a restart does not start it over.
alter table incident_steps add column holding_since timestamptz;
