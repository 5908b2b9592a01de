-- Weekly report: sending accounts with the most bounces through an IP in the 24 h before that IP was newly
-- listed (the usual lead to compromised accounts).
-- Params: ips Array(String) and firsts Array(DateTime): the new listings (sending IP, first_seen), pairwise;
--         window_since, window_until DateTime (min(first) - 24 h .. max(first), to prune); top UInt32.
-- Columns: account, events (bounces in those 24 h windows, counted once per listing they precede: two new listings
--          of one IP at two receivers in one week count its events twice; reading event_id to avoid that doubled
--          the cost at 10 M rows), listings (new listings it preceded), ips (distinct sending IPs).
SELECT
  e.account AS account,
  count() AS events,
  uniqExact(l.ip, l.first) AS listings,
  uniqExact(e.sending_ip) AS ips
FROM bounce_events AS e
INNER JOIN
(
  SELECT toIPv6(p.1) AS ip, p.2 AS first
  FROM (SELECT arrayJoin(arrayZip({ips:Array(String)}, {firsts:Array(DateTime)})) AS p)
) AS l ON e.sending_ip = l.ip
WHERE e.bounced_at >= {window_since:DateTime} AND e.bounced_at < {window_until:DateTime}
  AND e.sending_ip IN (SELECT toIPv6(arrayJoin({ips:Array(String)})))
  AND e.account != ''
  AND e.bounced_at >= l.first - INTERVAL 24 HOUR AND e.bounced_at < l.first
GROUP BY e.account
ORDER BY events DESC, account
LIMIT {top:UInt32}
