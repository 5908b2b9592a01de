-- ended-listings: Listing episodes whose last rejection fell in [since, until) and that stayed silent for the episode gap by {until}.
-- param since: DateTime('UTC') = now-7d -- window start
-- param until: DateTime('UTC') = now -- window end, exclusive; an episode counts as ended once gap_hours passed without a rejection
-- param category: String = ip_blocklist -- ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- one provider, or empty for all
-- columns: provider, sending_ip, sending_prefix, category, first_seen, last_seen, duration_hours, rejections, codes
SELECT
    provider, sending_ip, sending_prefix, category, first_seen, last_seen,
    round(dateDiff('second', first_seen, last_seen) / 3600, 1) AS duration_hours,
    rejections, codes
FROM v_listing_episodes
WHERE category = {category:String}
  AND ({provider:String} = '' OR provider = {provider:String})
  AND last_seen >= {since:DateTime('UTC')}
  AND last_seen < {until:DateTime('UTC')}
  AND last_seen + toIntervalHour(gap_hours) <= {until:DateTime('UTC')}
ORDER BY last_seen, provider, sending_ip
