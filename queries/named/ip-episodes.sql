-- ip-episodes: Every listing episode of one sending IP (all providers, both listing categories), newest first.
-- param ip: IPv6 -- the sending IP (IPv4 or IPv6)
-- columns: provider, category, sending_ip, sending_prefix, episode, first_seen, last_seen, rejections, codes, still_active
SELECT provider, category, sending_ip, sending_prefix, episode, first_seen, last_seen, rejections, codes, still_active
FROM v_listing_episodes
WHERE toIPv6(sending_ip) = {ip:IPv6}
ORDER BY first_seen DESC, provider, category
