-- Shared SQL, once: named queries, dashboards and the weekly report read these views.

-- Raw events with replays collapsed (exact, slower: reads the raw table with FINAL).
CREATE VIEW IF NOT EXISTS v_events {{on_cluster}} AS
SELECT * FROM bounce_events FINAL;

-- The hourly rollup merged to plain numbers; sending_ip as text (IPv4 dotted).
-- events/failed/delayed add up across rows; recipients/accounts do not (re-merge bounce_hourly for those).
CREATE VIEW IF NOT EXISTS v_bounce_hourly {{on_cluster}} AS
SELECT
    hour, provider, category, reason, ms_code, status, sending_prefix,
    replaceRegexpOne(toString(sending_ip), '^::ffff:', '') AS sending_ip,
    sum(bounces) AS bounces,
    uniqMerge(events) AS events,
    uniqMerge(failed) AS failed,
    uniqMerge(delayed) AS delayed,
    uniqMerge(recipients) AS recipients,
    uniqMerge(accounts) AS accounts
FROM bounce_hourly
GROUP BY hour, provider, category, reason, ms_code, status, sending_prefix, bounce_hourly.sending_ip;

-- Listing episodes: a sending IP's rejections by one provider in one category (ip_blocklist, ip_reputation),
-- split where the silence between two rejections exceeds the episode gap. Rejections without a known sending IP
-- (::) stay in listing_hourly but form no episode. still_active is relative to now();
-- named queries recompute it for their {now} parameter from last_seen and gap_hours.
CREATE VIEW IF NOT EXISTS v_listing_episodes {{on_cluster}} AS
WITH
    hours AS (
        SELECT category, provider, sending_ip, any(sending_prefix) AS prefix, hour,
               min(first_seen) AS h_first, max(last_seen) AS h_last,
               uniqMerge(rejections) AS h_rejections, groupUniqArrayMerge(codes) AS h_codes
        FROM listing_hourly
        WHERE sending_ip != toIPv6('::')
        GROUP BY category, provider, sending_ip, hour
    ),
    marked AS (
        SELECT *,
               dateDiff('second', lagInFrame(h_last, 1, toDateTime(0, 'UTC')) OVER w, h_first) > {{episode_gap_hours}} * 3600 AS is_new
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
    min(h_first) AS first_seen,
    max(h_last) AS last_seen,
    sum(h_rejections) AS rejections,
    arraySort(groupUniqArrayArray(h_codes)) AS codes,
    toUInt32({{episode_gap_hours}}) AS gap_hours,
    max(h_last) >= now() - toIntervalHour({{episode_gap_hours}}) AS still_active
FROM numbered
GROUP BY category, provider, numbered.sending_ip, episode;
