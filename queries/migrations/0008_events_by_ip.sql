-- accounts-before-listing reads the events of every listed IP in the 24 h before each listing and counts events and
-- distinct recipients per account. This table holds just that, ordered by sending IP and time in small granules:
-- the account as LowCardinality, the recipient as a 64-bit hash, only events that name an account. It replaces the
-- by_sending_ip projection of 0007 (dropped below). Filled by a materialized view like the rollups, so the insert
-- dedup (tokens, deduplicate_blocks_in_dependent_materialized_views) and insertEvents' stored-id filter keep a
-- replayed event out of it too. With the bounded listing starts, 205-221 ms -> 176-180 ms on 10M events (docs/report.md).
CREATE TABLE IF NOT EXISTS {{table:events_by_ip}} {{on_cluster}}
(
    sending_ip IPv6,
    bounced_at DateTime('UTC'),
    account LowCardinality(String),
    recipient_hash UInt64
)
ENGINE = {{engine:MergeTree}}
PARTITION BY toYYYYMM(bounced_at)
ORDER BY (sending_ip, bounced_at)
TTL bounced_at + INTERVAL {{retention_days}} DAY
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_ip_mv {{on_cluster}} TO {{table:events_by_ip}} AS
SELECT sending_ip, bounced_at, account, cityHash64(recipient) AS recipient_hash
FROM {{table:bounce_events}}
WHERE account != '';

-- @single-only
-- Backfill the events stored before this migration (FINAL: a row stored twice by an older version counts once).
INSERT INTO events_by_ip
SELECT sending_ip, bounced_at, account, cityHash64(recipient)
FROM bounce_events FINAL
WHERE account != '';

-- @cluster-only
CREATE TABLE IF NOT EXISTS events_by_ip {{on_cluster}} AS events_by_ip_local
ENGINE = Distributed({{cluster}}, currentDatabase(), events_by_ip_local, rand());

ALTER TABLE {{table:bounce_events}} {{on_cluster}} DROP PROJECTION IF EXISTS by_sending_ip;

-- The episode gap as data: queries that find listing starts in a bounded window themselves (instead of computing
-- v_listing_episodes over all of listing_hourly) read it here, so they agree with the view for any
-- BOUNCE_EPISODE_GAP_HOURS. One constant row: reading it costs nothing.
CREATE OR REPLACE VIEW v_episode_settings {{on_cluster}} AS
SELECT toUInt32({{episode_gap_hours}}) AS gap_hours;
