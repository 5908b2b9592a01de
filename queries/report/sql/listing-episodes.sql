-- Weekly report: block-list episodes (one sending IP at one receiver) that overlap the week.
-- An episode is a run of ip_blocklist rejections with no silence longer than gap_hours; it counts as still
-- active when its last rejection is within gap_hours of `until`, and it ends at last_seen + gap_hours.
-- Only data before `until` is read, so a report for a past week does not change when newer data arrives.
-- Reads the rollup listing_hourly; since and until are whole hours (ISO weeks), so the week split is exact, and
-- rejections are distinct event ids per hour (uniq: exact below 65,536 per IP and hour).
-- Params: lookback_since DateTime (how far back an episode's start is searched), since DateTime, until DateTime,
--         gap_hours UInt32.
-- Columns: sending_ip (IPv4 shown plain), sending_prefix, provider, first_seen, last_seen, rejections (whole
--          episode up to until), rejections_week, codes, still_active, new_this_week, ended_this_week.
WITH
  hourly AS
  (
    -- listing_hourly: one row per hour x category x provider x sending IP, filled by listing_hourly_mv
    SELECT sending_ip, provider, hour,
      min(first_seen) AS h_first, max(last_seen) AS h_last, uniqMerge(rejections) AS n,
      if(hour >= {since:DateTime}, n, 0) AS n_week,
      groupUniqArrayMerge(codes) AS h_codes,
      any(sending_prefix) AS prefix
    FROM listing_hourly
    WHERE category = 'ip_blocklist' AND hour >= toStartOfHour({lookback_since:DateTime}) AND hour < {until:DateTime}
    GROUP BY sending_ip, provider, hour
  ),
  marked AS
  (
    SELECT *,
      if(dateDiff('second', lagInFrame(h_last, 1, toDateTime(0, 'UTC')) OVER w, h_first) > {gap_hours:UInt32} * 3600, 1, 0) AS starts
    FROM hourly
    WINDOW w AS (PARTITION BY sending_ip, provider ORDER BY hour ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
  ),
  numbered AS
  (
    SELECT *, sum(starts) OVER (PARTITION BY sending_ip, provider ORDER BY hour ROWS UNBOUNDED PRECEDING) AS episode
    FROM marked
  ),
  episodes AS
  (
    SELECT sending_ip, provider, episode, any(prefix) AS sending_prefix,
      min(h_first) AS first_seen, max(h_last) AS last_seen, sum(n) AS rejections, sum(n_week) AS rejections_week,
      arraySort(arrayDistinct(arrayFlatten(groupArray(h_codes)))) AS codes
    FROM numbered
    GROUP BY sending_ip, provider, episode
  )
SELECT
  replaceRegexpOne(toString(sending_ip), '^::ffff:', '') AS sending_ip,
  sending_prefix, provider, first_seen, last_seen, rejections, rejections_week, codes,
  last_seen > {until:DateTime} - toIntervalHour({gap_hours:UInt32}) AS still_active,
  first_seen >= {since:DateTime} AS new_this_week,
  NOT still_active AS ended_this_week
FROM episodes
WHERE last_seen + toIntervalHour({gap_hours:UInt32}) > {since:DateTime}
ORDER BY provider, first_seen, sending_ip
