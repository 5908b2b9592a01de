-- Hourly rollup without the sending IP: provider × category × reason × ms_code × status. Small (tens of rows per
-- hour), so provider and code breakdowns stay fast on large stores. Distinct-count states only: replay-proof.
CREATE TABLE IF NOT EXISTS {{table:code_hourly}} {{on_cluster}}
(
    hour DateTime('UTC'),
    provider LowCardinality(String),
    category LowCardinality(String),
    reason LowCardinality(String),
    ms_code LowCardinality(String),
    status LowCardinality(String),
    events AggregateFunction(uniq, String),
    failed AggregateFunction(uniq, String),
    delayed AggregateFunction(uniq, String),
    recipients AggregateFunction(uniq, String),
    sending_ips AggregateFunction(uniq, IPv6)
)
ENGINE = {{engine:AggregatingMergeTree}}
PARTITION BY toYYYYMM(hour)
ORDER BY (provider, category, hour, reason, ms_code, status)
TTL hour + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS code_hourly_mv {{on_cluster}} TO {{table:code_hourly}} AS
SELECT
    toStartOfHour(bounced_at) AS hour,
    provider, category, reason, ms_code, status,
    uniqState(event_id) AS events,
    uniqStateIf(event_id, action = 'failed') AS failed,
    uniqStateIf(event_id, action = 'delayed') AS delayed,
    uniqState(recipient) AS recipients,
    uniqStateIf(sending_ip, sending_ip != toIPv6('::')) AS sending_ips
FROM {{table:bounce_events}}
GROUP BY hour, provider, category, reason, ms_code, status;

-- @single-only
-- Backfill events stored before this migration. Distinct-count states make a row seen twice harmless.
INSERT INTO code_hourly
SELECT
    toStartOfHour(bounced_at) AS hour,
    provider, category, reason, ms_code, status,
    uniqState(event_id), uniqStateIf(event_id, action = 'failed'), uniqStateIf(event_id, action = 'delayed'),
    uniqState(recipient), uniqStateIf(sending_ip, sending_ip != toIPv6('::'))
FROM bounce_events
GROUP BY hour, provider, category, reason, ms_code, status;

-- @cluster-only
CREATE TABLE IF NOT EXISTS code_hourly {{on_cluster}} AS code_hourly_local
ENGINE = Distributed({{cluster}}, currentDatabase(), code_hourly_local, rand());
