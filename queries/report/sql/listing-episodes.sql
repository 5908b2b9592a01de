-- Weekly report: block-list episodes (one sending IP at one receiver) that overlap the week: the episodes as of
-- the week's end (v_listing_episodes_as_of, the one episode rule), less those that had already ended as of its start.
-- Only data before `until` is read, so a report for a past week does not change when newer data arrives.
-- rejections_week: the episode's rejections as of `until` less those as of `since` (since and until are whole hours).
-- (ifNull: an episode that began this week has no row as of since, whatever join_use_nulls says.)
-- Params: since DateTime, until DateTime (the ISO week).
-- Columns: sending_ip (IPv4 shown plain), sending_prefix, provider, first_seen, last_seen, rejections (whole
--          episode up to until), rejections_week, codes, still_active, new_this_week, ended_this_week.
SELECT
  e.sending_ip AS sending_ip, e.sending_prefix AS sending_prefix, e.provider AS provider,
  e.first_seen AS first_seen, e.last_seen AS last_seen, e.rejections AS rejections,
  e.rejections - ifNull(b.rejections, 0) AS rejections_week, e.codes AS codes, e.still_active AS still_active,
  e.first_seen >= {since:DateTime} AS new_this_week, e.ended AS ended_this_week
FROM v_listing_episodes_as_of(as_of = {until:DateTime}) AS e
LEFT JOIN
(
  SELECT provider, sending_ip, first_seen, rejections, ended
  FROM v_listing_episodes_as_of(as_of = {since:DateTime})
  WHERE category = 'ip_blocklist'
) AS b ON b.provider = e.provider AND b.sending_ip = e.sending_ip AND b.first_seen = e.first_seen
WHERE e.category = 'ip_blocklist' AND NOT ifNull(b.ended, 0)
ORDER BY provider, first_seen, sending_ip
