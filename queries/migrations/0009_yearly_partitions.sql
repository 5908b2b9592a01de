-- Yearly partitions for bounce_events and every table fed from it, and the adjustments column (docs/SCHEMA.md
-- "Partitions"). Monthly partitions broke on real archives: one insert block of a multi-year backfill touched more
-- than 100 months (max_partitions_per_insert_block) in the raw table and in each rollup its views feed. By year,
-- 1970-2106 (the whole DateTime range) is 137 partitions and an archive of 2008-2025 is 18; insertEvents also
-- splits a block by year so that no insert carries more than 50 (queries/events.ts).
-- Single store: each table is rebuilt with the new key, its rows copied (aggregate states as they are), swapped in
-- atomically (EXCHANGE), and the old one dropped; the materialized views are dropped first and created again on the
-- new tables, so nothing stored is lost and no insert runs between. Run it with the consumer stopped.
-- With CLICKHOUSE_CLUSTER the shard tables keep monthly partitions (a copy from here would reach one shard only);
-- only the adjustments column is added there, and insertEvents' split keeps each insert under 50 years.

ALTER TABLE {{table:bounce_events}} {{on_cluster}}
    ADD COLUMN IF NOT EXISTS adjustments Array(LowCardinality(String)) AFTER kafka_offset;

-- @cluster-only
ALTER TABLE bounce_events {{on_cluster}}
    ADD COLUMN IF NOT EXISTS adjustments Array(LowCardinality(String)) AFTER kafka_offset;

-- @single-only
DROP VIEW IF EXISTS bounce_hourly_mv;

-- @single-only
DROP VIEW IF EXISTS listing_hourly_mv;

-- @single-only
DROP VIEW IF EXISTS code_hourly_mv;

-- @single-only
DROP VIEW IF EXISTS events_by_ip_mv;

-- @single-only
DROP TABLE IF EXISTS bounce_events_v9;

-- @single-only
CREATE TABLE bounce_events_v9
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
    adjustments Array(LowCardinality(String)),
    INDEX idx_sending_ip sending_ip TYPE bloom_filter GRANULARITY 4,
    INDEX idx_account account TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYear(bounced_at)
ORDER BY (provider, category, toDate(bounced_at), sending_ip, event_id)
TTL bounced_at + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- @single-only
INSERT INTO bounce_events_v9 SELECT * FROM bounce_events SETTINGS max_partitions_per_insert_block = 0;

-- @single-only
EXCHANGE TABLES bounce_events AND bounce_events_v9;

-- @single-only
DROP TABLE bounce_events_v9;

-- @single-only
DROP TABLE IF EXISTS bounce_hourly_v9;

-- @single-only
CREATE TABLE bounce_hourly_v9
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
ENGINE = AggregatingMergeTree
PARTITION BY toYear(hour)
ORDER BY (provider, category, hour, reason, ms_code, status, sending_prefix, sending_ip)
TTL hour + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- @single-only
INSERT INTO bounce_hourly_v9 SELECT * FROM bounce_hourly SETTINGS max_partitions_per_insert_block = 0;

-- @single-only
EXCHANGE TABLES bounce_hourly AND bounce_hourly_v9;

-- @single-only
DROP TABLE bounce_hourly_v9;

-- @single-only
DROP TABLE IF EXISTS listing_hourly_v9;

-- @single-only
CREATE TABLE listing_hourly_v9
(
    hour DateTime('UTC'),
    category LowCardinality(String),
    provider LowCardinality(String),
    sending_ip IPv6,
    sending_prefix LowCardinality(String),
    first_seen SimpleAggregateFunction(min, DateTime('UTC')),
    last_seen SimpleAggregateFunction(max, DateTime('UTC')),
    rejections AggregateFunction(uniq, String),
    codes AggregateFunction(groupUniqArray, String),
    n_rejections SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(hour)
ORDER BY (category, provider, sending_ip, sending_prefix, hour)
TTL hour + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- @single-only
INSERT INTO listing_hourly_v9 SELECT * FROM listing_hourly SETTINGS max_partitions_per_insert_block = 0;

-- @single-only
EXCHANGE TABLES listing_hourly AND listing_hourly_v9;

-- @single-only
DROP TABLE listing_hourly_v9;

-- @single-only
DROP TABLE IF EXISTS code_hourly_v9;

-- @single-only
CREATE TABLE code_hourly_v9
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
    sending_ips AggregateFunction(uniq, IPv6),
    n_events SimpleAggregateFunction(sum, UInt64),
    n_failed SimpleAggregateFunction(sum, UInt64),
    n_delayed SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(hour)
ORDER BY (provider, category, hour, reason, ms_code, status)
TTL hour + INTERVAL {{retention_days}} DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- @single-only
INSERT INTO code_hourly_v9 SELECT * FROM code_hourly SETTINGS max_partitions_per_insert_block = 0;

-- @single-only
EXCHANGE TABLES code_hourly AND code_hourly_v9;

-- @single-only
DROP TABLE code_hourly_v9;

-- @single-only
DROP TABLE IF EXISTS events_by_ip_v9;

-- @single-only
CREATE TABLE events_by_ip_v9
(
    sending_ip IPv6,
    bounced_at DateTime('UTC'),
    account LowCardinality(String),
    recipient_hash UInt64
)
ENGINE = MergeTree
PARTITION BY toYear(bounced_at)
ORDER BY (sending_ip, bounced_at)
TTL bounced_at + INTERVAL {{retention_days}} DAY
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000;

-- @single-only
INSERT INTO events_by_ip_v9 SELECT * FROM events_by_ip SETTINGS max_partitions_per_insert_block = 0;

-- @single-only
EXCHANGE TABLES events_by_ip AND events_by_ip_v9;

-- @single-only
DROP TABLE events_by_ip_v9;

-- @single-only
-- The views of 0002, 0006 and 0008, as they were, now on the yearly tables.
CREATE MATERIALIZED VIEW IF NOT EXISTS bounce_hourly_mv TO bounce_hourly AS
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
FROM bounce_events
GROUP BY hour, provider, category, reason, ms_code, status, sending_prefix, sending_ip;

-- @single-only
CREATE MATERIALIZED VIEW IF NOT EXISTS code_hourly_mv TO code_hourly AS
SELECT
    toStartOfHour(bounced_at) AS hour,
    provider, category, reason, ms_code, status,
    uniqState(event_id) AS events,
    uniqStateIf(event_id, action = 'failed') AS failed,
    uniqStateIf(event_id, action = 'delayed') AS delayed,
    uniqState(recipient) AS recipients,
    uniqStateIf(sending_ip, sending_ip != toIPv6('::')) AS sending_ips,
    count() AS n_events,
    countIf(action = 'failed') AS n_failed,
    countIf(action = 'delayed') AS n_delayed
FROM bounce_events
GROUP BY hour, provider, category, reason, ms_code, status;

-- @single-only
CREATE MATERIALIZED VIEW IF NOT EXISTS listing_hourly_mv TO listing_hourly AS
SELECT
    toStartOfHour(bounced_at) AS hour,
    category, provider, sending_ip, sending_prefix,
    min(bounced_at) AS first_seen,
    max(bounced_at) AS last_seen,
    uniqState(event_id) AS rejections,
    groupUniqArrayState(CAST(if(ms_code != '', ms_code, status) AS String)) AS codes,
    count() AS n_rejections
FROM bounce_events
WHERE category IN ('ip_blocklist', 'ip_reputation')
GROUP BY hour, category, provider, sending_ip, sending_prefix;

-- @single-only
CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_ip_mv TO events_by_ip AS
SELECT sending_ip, bounced_at, account, cityHash64(recipient) AS recipient_hash
FROM bounce_events
WHERE account != '';
