-- Weekly report: bounces per day, split the way a postmaster reads them.
-- Params: since DateTime, until DateTime (whole UTC days).
-- Columns: day, bounces, blocklist (ip_blocklist), reputation (ip_reputation + rate_limit), other, delayed.
SELECT
  toDate(bounced_at) AS day,
  count() AS bounces,
  countIf(category = 'ip_blocklist') AS blocklist,
  countIf(category IN ('ip_reputation', 'rate_limit')) AS reputation,
  bounces - blocklist - reputation AS other,
  countIf(action = 'delayed') AS delayed
FROM bounce_events
WHERE bounced_at >= {since:DateTime} AND bounced_at < {until:DateTime}
GROUP BY day
ORDER BY day WITH FILL FROM toDate({since:DateTime}) TO toDate({until:DateTime})
