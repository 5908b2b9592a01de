-- Yearly partitions for bounce_events and every table fed from it, and the adjustments column (docs/SCHEMA.md
-- "Partitions"). Monthly partitions broke on real archives: one insert block of a multi-year backfill touched more
-- than 100 months (max_partitions_per_insert_block) in the raw table and in each rollup its views feed. By year,
-- 1970-2106 (the whole DateTime range) is 137 partitions and an archive of 2008-2025 is 18; insertEvents also
-- splits a block by year so that no insert carries more than 50 (queries/events.ts).
-- Single store: each table is rebuilt with the new key (same columns and indexes: CREATE TABLE ... AS), its rows
-- copied (aggregate states as they are), swapped in atomically (EXCHANGE) and the old one dropped. The materialized
-- views follow the names, so they feed the new tables from the next insert on. Run it with the consumer stopped.
-- The TTL is computed in Date32 and capped at the end of DateTime (2106-02-07): `bounced_at + INTERVAL 29000 DAY`
-- wraps past 2106 for any bounce after 2026-09 and expired it at the next merge (a bounce of today vanished with
-- BOUNCE_RETENTION_DAYS=29000).
-- With CLICKHOUSE_CLUSTER the shard tables keep monthly partitions (a copy from here would reach one shard only);
-- only the adjustments column is added there, and insertEvents' split keeps each insert under 50 years.

ALTER TABLE {{table:bounce_events}} {{on_cluster}}
    ADD COLUMN IF NOT EXISTS adjustments Array(LowCardinality(String)) AFTER kafka_offset;

-- @cluster-only
ALTER TABLE bounce_events {{on_cluster}}
    ADD COLUMN IF NOT EXISTS adjustments Array(LowCardinality(String)) AFTER kafka_offset;

-- @single-only
DROP TABLE IF EXISTS bounce_events_v9;

-- @single-only
CREATE TABLE bounce_events_v9 AS bounce_events
ENGINE = ReplacingMergeTree
PARTITION BY toYear(bounced_at)
ORDER BY (provider, category, toDate(bounced_at), sending_ip, event_id)
TTL toDateTime(least(toDate32(bounced_at) + {{retention_days}}, toDate32('2106-02-06')), 'UTC')
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
CREATE TABLE bounce_hourly_v9 AS bounce_hourly
ENGINE = AggregatingMergeTree
PARTITION BY toYear(hour)
ORDER BY (provider, category, hour, reason, ms_code, status, sending_prefix, sending_ip)
TTL toDateTime(least(toDate32(hour) + {{retention_days}}, toDate32('2106-02-06')), 'UTC')
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
CREATE TABLE listing_hourly_v9 AS listing_hourly
ENGINE = AggregatingMergeTree
PARTITION BY toYear(hour)
ORDER BY (category, provider, sending_ip, sending_prefix, hour)
TTL toDateTime(least(toDate32(hour) + {{retention_days}}, toDate32('2106-02-06')), 'UTC')
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
CREATE TABLE code_hourly_v9 AS code_hourly
ENGINE = AggregatingMergeTree
PARTITION BY toYear(hour)
ORDER BY (provider, category, hour, reason, ms_code, status)
TTL toDateTime(least(toDate32(hour) + {{retention_days}}, toDate32('2106-02-06')), 'UTC')
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
CREATE TABLE events_by_ip_v9 AS events_by_ip
ENGINE = MergeTree
PARTITION BY toYear(bounced_at)
ORDER BY (sending_ip, bounced_at)
TTL toDateTime(least(toDate32(bounced_at) + {{retention_days}}, toDate32('2106-02-06')), 'UTC')
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000;

-- @single-only
INSERT INTO events_by_ip_v9 SELECT * FROM events_by_ip SETTINGS max_partitions_per_insert_block = 0;

-- @single-only
EXCHANGE TABLES events_by_ip AND events_by_ip_v9;

-- @single-only
DROP TABLE events_by_ip_v9;
