-- The partitions (years) the staging table holds, each to be attached to bounce_events.
SELECT DISTINCT _partition_id AS partition_id
FROM bounce_events_refill
ORDER BY partition_id
