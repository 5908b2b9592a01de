-- The refill's staging table (queries/events.ts, refillLost): gone before each refill and after it. A kill during a
-- refill can leave it behind; the next refill drops it first.
DROP TABLE IF EXISTS bounce_events_refill
