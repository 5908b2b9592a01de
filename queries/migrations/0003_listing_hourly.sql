-- Block-list and reputation rejections per hour × provider × sending IP × category: the input of listing episodes.
-- codes holds the Microsoft code (S3150 ...) or, when the receiver gives none, the enhanced status.
CREATE TABLE IF NOT EXISTS {{table:listing_hourly}} {{on_cluster}}
(
    hour DateTime('UTC'),
    category LowCardinality(String),
    provider LowCardinality(String),
    sending_ip IPv6,
    sending_prefix LowCardinality(String),
    first_seen SimpleAggregateFunction(min, DateTime('UTC')),
    last_seen SimpleAggregateFunction(max, DateTime('UTC')),
    rejections AggregateFunction(uniq, String),
    codes AggregateFunction(groupUniqArray, String)
)
ENGINE = {{engine:AggregatingMergeTree}}
PARTITION BY toYYYYMM(hour)
ORDER BY (category, provider, sending_ip, sending_prefix, hour)
TTL hour + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS listing_hourly_mv {{on_cluster}} TO {{table:listing_hourly}} AS
SELECT
    toStartOfHour(bounced_at) AS hour,
    category, provider, sending_ip, sending_prefix,
    min(bounced_at) AS first_seen,
    max(bounced_at) AS last_seen,
    uniqState(event_id) AS rejections,
    groupUniqArrayState(CAST(if(ms_code != '', ms_code, status) AS String)) AS codes
FROM {{table:bounce_events}}
WHERE category IN ('ip_blocklist', 'ip_reputation')
GROUP BY hour, category, provider, sending_ip, sending_prefix;

-- @cluster-only
CREATE TABLE IF NOT EXISTS listing_hourly {{on_cluster}} AS listing_hourly_local
ENGINE = Distributed({{cluster}}, currentDatabase(), listing_hourly_local, rand());
