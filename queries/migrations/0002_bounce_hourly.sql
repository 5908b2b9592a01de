-- Hourly rollup by provider × category × reason × ms_code × status × sending IP/prefix, fed on every insert.
-- bounces is a plain row count (fast; a replay older than the dedup window counts again);
-- events/failed/delayed are distinct event_ids (uniq states), so they survive any replay. Read with -Merge.
CREATE TABLE IF NOT EXISTS {{table:bounce_hourly}} {{on_cluster}}
(
    hour DateTime('UTC'),
    provider LowCardinality(String),
    category LowCardinality(String),
    reason LowCardinality(String),
    ms_code LowCardinality(String),
    status LowCardinality(String),
    sending_prefix LowCardinality(String),
    sending_ip IPv6,
    bounces SimpleAggregateFunction(sum, UInt64),
    events AggregateFunction(uniq, String),
    failed AggregateFunction(uniq, String),
    delayed AggregateFunction(uniq, String),
    recipients AggregateFunction(uniq, String),
    accounts AggregateFunction(uniq, String),
    first_seen SimpleAggregateFunction(min, DateTime('UTC')),
    last_seen SimpleAggregateFunction(max, DateTime('UTC'))
)
ENGINE = {{engine:AggregatingMergeTree}}
PARTITION BY toYYYYMM(hour)
ORDER BY (provider, category, hour, reason, ms_code, status, sending_prefix, sending_ip)
TTL hour + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS bounce_hourly_mv {{on_cluster}} TO {{table:bounce_hourly}} AS
SELECT
    toStartOfHour(bounced_at) AS hour,
    provider, category, reason, ms_code, status, sending_prefix, sending_ip,
    count() AS bounces,
    uniqState(event_id) AS events,
    uniqStateIf(event_id, action = 'failed') AS failed,
    uniqStateIf(event_id, action = 'delayed') AS delayed,
    uniqState(recipient) AS recipients,
    uniqStateIf(account, account != '') AS accounts,
    min(bounced_at) AS first_seen,
    max(bounced_at) AS last_seen
FROM {{table:bounce_events}}
GROUP BY hour, provider, category, reason, ms_code, status, sending_prefix, sending_ip;

-- @cluster-only
CREATE TABLE IF NOT EXISTS bounce_hourly {{on_cluster}} AS bounce_hourly_local
ENGINE = Distributed({{cluster}}, currentDatabase(), bounce_hourly_local, rand());
