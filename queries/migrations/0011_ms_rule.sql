-- Microsoft's anti-spam rule number (AS1430, AS16012609 ...) when the text prints one that is not the event's
-- ms_code: delisting tickets quote it. Empty for older events and every other provider.
ALTER TABLE {{table:bounce_events}} {{on_cluster}} ADD COLUMN IF NOT EXISTS ms_rule LowCardinality(String) DEFAULT '' AFTER ms_code;

-- @cluster-only
ALTER TABLE bounce_events {{on_cluster}} ADD COLUMN IF NOT EXISTS ms_rule LowCardinality(String) DEFAULT '' AFTER ms_code;

-- v_events is SELECT * over bounce_events: its column list was fixed when 0004 created it; recreate it to show ms_rule.
CREATE OR REPLACE VIEW v_events {{on_cluster}} AS
SELECT * FROM bounce_events FINAL;
