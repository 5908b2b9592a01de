-- new-listings: Listing episodes that began in [since, until): which IP, by whom, since when, still active at {until}.
-- param since: DateTime('UTC') = now-7d -- window start
-- param until: DateTime('UTC') = now -- window end, exclusive; the episodes as of this moment (v_listing_episodes_as_of)
-- param category: String = ip_blocklist -- ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- one provider, or empty for all
-- columns: provider, sending_ip, sending_prefix, category, first_seen, last_seen, rejections, codes, still_active
SELECT provider, sending_ip, sending_prefix, category, first_seen, last_seen, rejections, codes, still_active
FROM v_listing_episodes_as_of(as_of = {until:DateTime('UTC')})
WHERE category = {category:String}
  AND ({provider:String} = '' OR provider = {provider:String})
  AND first_seen >= {since:DateTime('UTC')}
  AND first_seen < {until:DateTime('UTC')}
ORDER BY first_seen, provider, sending_ip
