-- A table like bounce_events at this moment (columns, indexes, key, partitions, engine), with no materialized view
-- reading it: rows inserted here reach no rollup. Its parts are then attached to bounce_events partition by partition.
CREATE TABLE bounce_events_refill AS bounce_events
