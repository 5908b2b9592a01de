-- A projection of bounce_events ordered by sending IP and time, for per-IP lookups over the raw rows
-- (accounts-before-listing reads a few listed IPs' events; the table's own key starts with provider/category).
-- ReplacingMergeTree needs a rule for projections when merges collapse rows: rebuild them.
-- Materializing it on an existing store rewrites the projection for every part (about 30 s for 10M rows).
ALTER TABLE {{table:bounce_events}} {{on_cluster}} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE {{table:bounce_events}} {{on_cluster}}
    ADD PROJECTION IF NOT EXISTS by_sending_ip (SELECT sending_ip, bounced_at, account, recipient ORDER BY sending_ip, bounced_at);

ALTER TABLE {{table:bounce_events}} {{on_cluster}} MATERIALIZE PROJECTION by_sending_ip SETTINGS mutations_sync = 2;
