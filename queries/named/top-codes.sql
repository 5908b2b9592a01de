-- top-codes: The most frequent receiver codes (Microsoft code, enhanced status) in [since, until) (whole hours).
-- param since: DateTime('UTC') = now-7d -- window start (rounded down to the hour)
-- param until: DateTime('UTC') = now -- window end, exclusive
-- param provider: String = '' -- one provider, or empty for all
-- param limit: UInt32 = 20 -- at most this many rows
-- columns: provider, ms_code, status, category, events, sending_ips
-- events: sum of code_hourly's counter (each stored event once); sending_ips: distinct IPs (state merge, small).
-- status x.0.9xx is a pseudo code: the bounce carried no enhanced status; the number names the reason (docs/SCHEMA.md).
SELECT
    provider, ms_code, status, category,
    sum(n_events) AS events,
    uniqMerge(sending_ips) AS sending_ips
FROM code_hourly
WHERE hour >= toStartOfHour({since:DateTime('UTC')})
  AND hour < {until:DateTime('UTC')}
  AND ({provider:String} = '' OR provider = {provider:String})
GROUP BY provider, ms_code, status, category
ORDER BY events DESC, provider, ms_code, status, category
LIMIT {limit:UInt32}
