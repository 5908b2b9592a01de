-- fleet-spread: Per day, how much of our active sending fleet (IPs with any bounce that day) is listed.
-- param since: DateTime('UTC') = now-7d -- first day (rounded down to the day)
-- param until: DateTime('UTC') = now -- window end, exclusive
-- param category: String = ip_blocklist -- what counts as listed: ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- listed by this provider only, or empty for any
-- columns: day, active_ips, listed_ips, listed_share
SELECT
    day,
    count() AS active_ips,
    countIf(listed) AS listed_ips,
    round(listed_ips / active_ips, 4) AS listed_share
FROM
(
    SELECT
        toDate(hour) AS day,
        sending_ip,
        max(category = {category:String} AND ({provider:String} = '' OR provider = {provider:String})) AS listed
    FROM bounce_hourly
    WHERE hour >= toStartOfDay({since:DateTime('UTC')})
      AND hour < {until:DateTime('UTC')}
      AND sending_ip != toIPv6('::')
    GROUP BY day, sending_ip
)
GROUP BY day
ORDER BY day
