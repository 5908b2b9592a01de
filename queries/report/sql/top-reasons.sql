-- Weekly report: the most frequent bounce reasons this week, with the week before.
-- Reads the hourly rollup bounce_hourly (bounces = rows counted on insert; about 3x fewer rows than the raw table).
-- Params: prev_since, since, until DateTime (whole hours); top UInt32.
-- Columns: reason, category, week_bounces, previous_bounces.
SELECT
  reason,
  category,
  sumIf(h.bounces, h.hour >= {since:DateTime}) AS week_bounces,
  sumIf(h.bounces, h.hour < {since:DateTime}) AS previous_bounces
FROM bounce_hourly AS h
WHERE h.hour >= {prev_since:DateTime} AND h.hour < {until:DateTime}
GROUP BY reason, category
ORDER BY week_bounces DESC, previous_bounces DESC, reason, category
LIMIT {top:UInt32}
