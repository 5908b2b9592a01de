-- active-listings: Sending IPs listed right now, by provider: listing episodes still active at {now} (v_listing_episodes_as_of: no rejection yet missing for longer than the episode gap).
-- param now: DateTime('UTC') = now -- evaluation time (UTC)
-- param category: String = ip_blocklist -- ip_blocklist, or ip_reputation for reputation blocks
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- one provider (microsoft, google ...), or empty for all
-- columns: provider, sending_ip, sending_prefix, category, first_seen, last_seen, rejections, codes
SELECT provider, sending_ip, sending_prefix, category, first_seen, last_seen, rejections, codes
FROM v_listing_episodes_as_of(as_of = {now:DateTime('UTC')})
WHERE category = {category:String}
  AND ({provider:String} = '' OR provider = {provider:String})
  AND still_active
ORDER BY provider, last_seen DESC, sending_ip
