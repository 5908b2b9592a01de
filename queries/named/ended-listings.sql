-- ended-listings: Listing episodes whose last rejection fell in [since, until) and that had ended by {until} (silent for longer than the episode gap).
-- param since: DateTime('UTC') = now-7d -- window start
-- param until: DateTime('UTC') = now -- window end, exclusive; the episodes as of this moment (v_listing_episodes_as_of)
-- param category: String = ip_blocklist -- ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- one provider, or empty for all
-- columns: provider, sending_ip, sending_prefix, category, first_seen, last_seen, duration_hours, rejections, codes
SELECT
    provider, sending_ip, sending_prefix, category, first_seen, last_seen,
    round(dateDiff('second', first_seen, last_seen) / 3600, 1) AS duration_hours,
    rejections, codes
FROM v_listing_episodes_as_of(as_of = {until:DateTime('UTC')})
WHERE category = {category:String}
  AND ({provider:String} = '' OR provider = {provider:String})
  AND ended
  AND last_seen >= {since:DateTime('UTC')}
ORDER BY last_seen, provider, sending_ip
