-- listings-timeline: Distinct listed sending IPs and rejections per hour or day, by provider, in [since, until) (whole hours; rejections include those without a known sending IP).
-- param since: DateTime('UTC') = now-7d -- window start (rounded down to the hour)
-- param until: DateTime('UTC') = now -- window end, exclusive
-- param bucket: String = day -- bucket size
-- allowed bucket: hour, day
-- param category: String = ip_blocklist -- ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- one provider, or empty for all
-- columns: bucket_start, provider, listed_ips, rejections
SELECT
    if({bucket:String} = 'hour', hour, toStartOfDay(hour)) AS bucket_start,
    provider,
    uniqExactIf(sending_ip, sending_ip != toIPv6('::')) AS listed_ips,
    uniqMerge(rejections) AS rejections
FROM listing_hourly
WHERE category = {category:String}
  AND ({provider:String} = '' OR provider = {provider:String})
  AND hour >= toStartOfHour({since:DateTime('UTC')})
  AND hour < {until:DateTime('UTC')}
GROUP BY bucket_start, provider
ORDER BY bucket_start, provider
