-- Weekly report: headline numbers for this week and the week before, in one scan.
-- Params: prev_since DateTime (start of the week before), since DateTime (start of this week), until DateTime (end, exclusive).
-- Columns: period ('this' | 'previous'), bounces, failed, delayed, blocklist_rejections, reputation_deferrals,
--          listed_ips, sending_ips.
-- Reads the raw table (failed/delayed are not plain counters in the rollup); count() counts rows as stored, so a
-- replay older than the insert dedup window counts until ReplacingMergeTree merges it away (FINAL costs 10x here).
SELECT
  if(bounced_at >= {since:DateTime}, 'this', 'previous') AS period,
  count() AS bounces,
  countIf(action = 'failed') AS failed,
  countIf(action = 'delayed') AS delayed,
  countIf(category = 'ip_blocklist') AS blocklist_rejections,
  countIf(category IN ('ip_reputation', 'rate_limit')) AS reputation_deferrals,
  -- uniq is exact below 65,536 distinct values (far above a fleet's IPs) and 5x cheaper than uniqExact on IPv6
  uniqIf(sending_ip, category = 'ip_blocklist') AS listed_ips,
  uniq(sending_ip) AS sending_ips
FROM bounce_events
WHERE bounced_at >= {prev_since:DateTime} AND bounced_at < {until:DateTime}
GROUP BY period
