-- Copies one partition's parts from the staging table into bounce_events. An ATTACH is not an INSERT: the
-- materialized views do not run, so the rollups and events_by_ip, which took these events with the replay, do not
-- count them again. Each partition goes in whole or not at all.
ALTER TABLE bounce_events ATTACH PARTITION ID {partition_id:String} FROM bounce_events_refill
