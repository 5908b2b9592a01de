-- Weekly report: the episode gap the store's episodes use (v_episode_settings, the one setting), for the report's text.
-- Columns: gap_hours.
SELECT gap_hours FROM v_episode_settings
