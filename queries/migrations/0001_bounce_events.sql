-- Raw events, one row per failed or delayed recipient (transform/bounce-event.ts).
-- ReplacingMergeTree with event_id last in the key: a replayed record collapses on merge (or at once with FINAL).
-- The insert dedup window drops a retried batch (same insert_deduplication_token) before it reaches the rollups.
CREATE TABLE IF NOT EXISTS {{table:bounce_events}} {{on_cluster}}
(
    event_id String,
    received_at DateTime64(3, 'UTC'),
    bounced_at DateTime('UTC'),
    reporting_mta LowCardinality(String),
    remote_mta LowCardinality(String),
    mta_kind LowCardinality(String),
    sending_ip IPv6,
    sending_prefix LowCardinality(String),
    listed_ip Nullable(IPv6),
    sender String,
    sender_domain String,
    account String,
    recipient String,
    recipient_domain String,
    action LowCardinality(String),
    status LowCardinality(String),
    reply_code UInt16,
    diagnostic String CODEC(ZSTD(3)),
    reason LowCardinality(String),
    category LowCardinality(String),
    provider LowCardinality(String),
    ms_code LowCardinality(String),
    kafka_partition UInt32,
    kafka_offset UInt64,
    INDEX idx_sending_ip sending_ip TYPE bloom_filter GRANULARITY 4,
    INDEX idx_account account TYPE bloom_filter GRANULARITY 4
)
ENGINE = {{engine:ReplacingMergeTree}}
PARTITION BY toYYYYMM(bounced_at)
ORDER BY (provider, category, toDate(bounced_at), sending_ip, event_id)
TTL bounced_at + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- @cluster-only
CREATE TABLE IF NOT EXISTS bounce_events {{on_cluster}} AS bounce_events_local
ENGINE = Distributed({{cluster}}, currentDatabase(), bounce_events_local, sipHash64(event_id));
