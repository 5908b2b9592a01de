-- accounts-before-listing: For each listing that began in [since, until), the sending accounts with the most events from that IP in the lookback before it (the lead to compromised accounts).
-- param since: DateTime('UTC') = now-7d -- window start (listings beginning from here)
-- param until: DateTime('UTC') = now -- window end, exclusive
-- param lookback_hours: UInt32 = 24 -- how far before the first rejection to look
-- param top: UInt32 = 5 -- accounts per listing
-- param category: String = ip_blocklist -- ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- listings by this provider only, or empty for all
-- columns: provider, sending_ip, listed_at, account, events, recipients, first_event, last_event
-- Reads events_by_ip (0008: per-event rows ordered by sending IP and time, account and a recipient hash), only the
-- listed IPs' events in the hours of each lookback. Listing starts come from listing_hourly over the window plus one
-- episode gap (v_episode_settings), not from v_listing_episodes over the whole table.
-- events is count(): insertEvents never stores an event id twice. recipients: distinct by 64-bit hash (a collision
-- among a few thousand recipients is ~1e-12 likely).
WITH listings AS
(
    -- Listing starts in [since, until), by the rule of v_listing_episodes (the first hour after more than the episode
    -- gap of silence), computed over the window plus one gap of history instead of over all of listing_hourly.
    SELECT provider, replaceRegexpOne(toString(ip), '^::ffff:', '') AS sending_ip, ip, h_first AS first_seen
    FROM
    (
        SELECT provider, sending_ip AS ip, h_first,
               dateDiff('second', lagInFrame(h_last, 1, toDateTime(0, 'UTC')) OVER
                   (PARTITION BY provider, sending_ip ORDER BY hour ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), h_first)
                   > (SELECT gap_hours FROM v_episode_settings) * 3600 AS is_new
        FROM
        (
            SELECT provider, sending_ip, hour, toDateTime(min(first_seen), 'UTC') AS h_first, toDateTime(max(last_seen), 'UTC') AS h_last
            FROM listing_hourly
            WHERE category = {category:String}
              AND ({provider:String} = '' OR provider = {provider:String})
              AND sending_ip != toIPv6('::')
              AND hour >= toStartOfHour({since:DateTime('UTC')}) - toIntervalHour((SELECT gap_hours FROM v_episode_settings) + 1)
              AND hour < {until:DateTime('UTC')}
            GROUP BY provider, sending_ip, hour
        )
    )
    WHERE is_new AND h_first >= {since:DateTime('UTC')} AND h_first < {until:DateTime('UTC')}
)
SELECT
    l.provider AS provider,
    l.sending_ip AS sending_ip,
    l.first_seen AS listed_at,
    e.account AS account,
    count() AS events,
    uniqExact(e.recipient_hash) AS recipients,
    min(e.bounced_at) AS first_event,
    max(e.bounced_at) AS last_event
FROM
(
    SELECT account, recipient_hash, bounced_at, sending_ip
    FROM events_by_ip
    WHERE bounced_at >= {since:DateTime('UTC')} - toIntervalHour({lookback_hours:UInt32})
      AND bounced_at < {until:DateTime('UTC')}
      -- Prefilter, a hash-set test per row before the join: each listing start × the hours of its lookback.
      AND (sending_ip, toStartOfHour(bounced_at)) IN (
          SELECT ip, arrayJoin(arrayMap(h -> toStartOfHour(first_seen) - toIntervalHour(h), range(toUInt32({lookback_hours:UInt32}) + 1)))
          FROM listings)
) AS e
INNER JOIN listings AS l ON e.sending_ip = l.ip
WHERE e.bounced_at >= l.first_seen - toIntervalHour({lookback_hours:UInt32})
  AND e.bounced_at <= l.first_seen
GROUP BY provider, sending_ip, listed_at, account
ORDER BY listed_at, provider, sending_ip, events DESC, account
LIMIT {top:UInt32} BY provider, sending_ip, listed_at
