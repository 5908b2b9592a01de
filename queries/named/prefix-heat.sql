-- prefix-heat: Sending ranges (/24 IPv4, /64 IPv6) by listed IPs and rejections in [since, until) (whole hours).
-- param since: DateTime('UTC') = now-7d -- window start (rounded down to the hour)
-- param until: DateTime('UTC') = now -- window end, exclusive
-- param category: String = ip_blocklist -- ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param limit: UInt32 = 50 -- at most this many ranges
-- columns: sending_prefix, listed_ips, active_ips, rejections, providers
-- Listed IPs, rejections and providers from listing_hourly (small); active IPs (any bounce in the window) from
-- bounce_hourly, only for the ranges that have a listed IP.
WITH listed AS
(
    SELECT sending_prefix,
           uniqExact(sending_ip) AS listed_ips,
           sum(n_rejections) AS rejections,
           arraySort(groupUniqArray(provider)) AS providers
    FROM listing_hourly
    WHERE category = {category:String}
      AND hour >= toStartOfHour({since:DateTime('UTC')})
      AND hour < {until:DateTime('UTC')}
      AND sending_prefix != ''
    GROUP BY sending_prefix
),
active AS
(
    SELECT sending_prefix, uniqExact(sending_ip) AS active_ips
    FROM bounce_hourly
    WHERE hour >= toStartOfHour({since:DateTime('UTC')})
      AND hour < {until:DateTime('UTC')}
      AND sending_prefix IN (SELECT sending_prefix FROM listed)
    GROUP BY sending_prefix
)
SELECT l.sending_prefix AS sending_prefix, l.listed_ips AS listed_ips, a.active_ips AS active_ips,
       l.rejections AS rejections, l.providers AS providers
FROM listed AS l
INNER JOIN active AS a ON a.sending_prefix = l.sending_prefix
ORDER BY listed_ips DESC, rejections DESC, sending_prefix
LIMIT {limit:UInt32}
