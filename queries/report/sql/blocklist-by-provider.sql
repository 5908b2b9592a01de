-- Weekly report: block-list rejections (category ip_blocklist) by receiver, this week against the week before.
-- Params: prev_since, since, until DateTime.
-- Columns: provider, rejections, previous_rejections, listed_ips (this week), codes (this week; ms_code, else status).
SELECT
  provider,
  countIf(bounced_at >= {since:DateTime}) AS rejections,
  countIf(bounced_at < {since:DateTime}) AS previous_rejections,
  uniqExactIf(sending_ip, bounced_at >= {since:DateTime}) AS listed_ips,
  arraySort(groupUniqArrayIf(if(ms_code != '', ms_code, status), bounced_at >= {since:DateTime})) AS codes
FROM bounce_events
WHERE category = 'ip_blocklist' AND bounced_at >= {prev_since:DateTime} AND bounced_at < {until:DateTime}
GROUP BY provider
ORDER BY rejections DESC, previous_rejections DESC, provider
