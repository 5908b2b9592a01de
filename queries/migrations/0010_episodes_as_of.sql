-- One definition of a listing episode, "as of" a moment, that every reader asks: named queries, the weekly report,
-- the dashboards and the alert. Before this migration four copies of the rule disagreed at the boundary.
--
-- An episode is a sending IP's rejections by one provider in one category (ip_blocklist, ip_reputation), read from
-- listing_hourly rows before as_of. The one comparison, `silence_exceeds_gap(earlier, later)`: more than the episode
-- gap between two moments. A rejection after such a silence starts a new episode; an episode has ended as of as_of
-- when such a silence follows its last rejection. So an episode whose last rejection lies exactly one gap before
-- as_of is still active (a rejection at as_of would continue it), one second earlier it has ended. The gap is the one
-- setting v_episode_settings (BOUNCE_EPISODE_GAP_HOURS, fixed when the migrations are applied, 0008).
-- as_of cuts at whole hours (the rollup is hourly): the hour that contains as_of counts whole, so a mid-hour as_of
-- in the past can see up to an hour of later rejections; whole-hour moments (report weeks, now) are exact.
-- Rejections without a known sending IP (::) stay in listing_hourly but form no episode.
-- The rule lives in v_listing_episodes_from(history_from, as_of), which reads only the rows from history_from on:
-- episodes that begin at least one gap plus an hour after history_from are exact (what came before cannot join
-- them), so a query that wants the listings that began in a window reads just the window and one gap before it.
-- Everyone else reads v_listing_episodes_as_of(as_of), the whole history:
-- SELECT ... FROM v_listing_episodes_as_of(as_of = '2026-11-30 00:00:00') (as_of takes any DateTime expression).
CREATE OR REPLACE VIEW v_listing_episodes_from {{on_cluster}} AS
WITH
    (SELECT gap_hours FROM v_episode_settings) AS gap,
    (earlier, later) -> dateDiff('second', earlier, later) > gap * 3600 AS silence_exceeds_gap,
    hours AS (
        SELECT category, provider, sending_ip, any(sending_prefix) AS prefix, hour,
               toDateTime(min(first_seen), 'UTC') AS h_first, toDateTime(max(last_seen), 'UTC') AS h_last,
               sum(n_rejections) AS h_rejections, groupUniqArrayMerge(codes) AS h_codes
        FROM listing_hourly
        WHERE sending_ip != toIPv6('::')
          AND hour >= toStartOfHour({history_from:DateTime('UTC')}) AND hour < {as_of:DateTime('UTC')}
        GROUP BY category, provider, sending_ip, hour
    ),
    marked AS (
        SELECT *, silence_exceeds_gap(lagInFrame(h_last, 1, toDateTime(0, 'UTC')) OVER w, h_first) AS is_new
        FROM hours
        WINDOW w AS (PARTITION BY category, provider, sending_ip ORDER BY hour ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ),
    numbered AS (
        SELECT *,
               sum(is_new) OVER (PARTITION BY category, provider, sending_ip ORDER BY hour ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode
        FROM marked
    )
SELECT
    category,
    provider,
    replaceRegexpOne(toString(sending_ip), '^::ffff:', '') AS sending_ip,
    any(prefix) AS sending_prefix,
    episode,
    toDateTime(min(h_first), 'UTC') AS first_seen,
    toDateTime(max(h_last), 'UTC') AS last_seen,
    sum(h_rejections) AS rejections,
    arraySort(groupUniqArrayArray(h_codes)) AS codes,
    toUInt32(gap) AS gap_hours,
    toDateTime({as_of:DateTime('UTC')}, 'UTC') AS as_of,
    toUInt8(silence_exceeds_gap(last_seen, as_of)) AS ended,
    toUInt8(NOT ended) AS still_active
FROM numbered
GROUP BY category, provider, numbered.sending_ip, episode;

CREATE OR REPLACE VIEW v_listing_episodes_as_of {{on_cluster}} AS
SELECT * FROM v_listing_episodes_from(history_from = toDateTime(0, 'UTC'), as_of = {as_of:DateTime('UTC')});

-- The same episodes as of now(), for ad-hoc SQL and the queries that want the present (ip-episodes).
CREATE OR REPLACE VIEW v_listing_episodes {{on_cluster}} AS
SELECT * FROM v_listing_episodes_as_of(as_of = now());

-- Accounts before listing, the one query the named query, the report and the dashboard panel read: for every
-- listing (episode start) in [since, until) of one category, each sending account's events through that IP in the
-- lookback_hours before the first rejection (the listing moment itself excluded), distinct recipients (64-bit
-- hash), first and last event. Reads events_by_ip (0008), only the listed IPs' events in the hours of each
-- lookback (a hash-set prefilter before the join). Its listings come from v_listing_episodes_from over the window
-- and one gap plus an hour before it, evaluated once: over the whole history and once per reference it cost about
-- 60 ms more CPU on the 10 M-event bench store (docs/report.md).
CREATE OR REPLACE VIEW v_accounts_before_listing {{on_cluster}} AS
WITH
    -- the listings, evaluated once (a scalar; the prefilter and the join below both read them), from the window
    -- and one gap plus an hour of history before it (enough to tell where an episode begins)
    (
        SELECT groupArray((toIPv6(sending_ip), first_seen, provider, sending_ip, sending_prefix))
        FROM v_listing_episodes_from(
            history_from = toStartOfHour({since:DateTime('UTC')}) - toIntervalHour((SELECT gap_hours FROM v_episode_settings) + 1),
            as_of = {until:DateTime('UTC')})
        WHERE category = {category:String}
          AND first_seen >= {since:DateTime('UTC')} AND first_seen < {until:DateTime('UTC')}
    ) AS starts,
    listings AS
    (
        SELECT s.1 AS ip, s.2 AS first_seen, s.3 AS provider, s.4 AS sending_ip, s.5 AS sending_prefix
        FROM (SELECT arrayJoin(starts) AS s)
    )
SELECT
    l.provider AS provider,
    l.sending_ip AS sending_ip,
    any(l.sending_prefix) AS sending_prefix,
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
      AND (sending_ip, toStartOfHour(bounced_at)) IN (
          SELECT ip, arrayJoin(arrayMap(h -> toStartOfHour(first_seen) - toIntervalHour(h), range(toUInt32({lookback_hours:UInt32}) + 1)))
          FROM listings)
) AS e
INNER JOIN listings AS l ON e.sending_ip = l.ip
WHERE e.bounced_at >= l.first_seen - toIntervalHour({lookback_hours:UInt32})
  AND e.bounced_at < l.first_seen
GROUP BY provider, sending_ip, listed_at, account;
