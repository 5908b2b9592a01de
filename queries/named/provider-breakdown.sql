-- provider-breakdown: Bounces by provider × category × reason in [since, until) (whole hours), with each row's share of its provider.
-- param since: DateTime('UTC') = now-7d -- window start (rounded down to the hour)
-- param until: DateTime('UTC') = now -- window end, exclusive
-- param provider: String = '' -- one provider, or empty for all
-- columns: provider, category, reason, events, failed, delayed, share_of_provider
-- events/failed/delayed are sums of code_hourly's counters (each stored event once: insertEvents drops stored ids).
-- No distinct recipients here: merging recipient states over a week costs ~0.5 s on 10M rows (code_hourly.recipients
-- with uniqMerge in `sql` gives them).
SELECT
    provider, category, reason,
    sum(n_events) AS events,
    sum(n_failed) AS failed,
    sum(n_delayed) AS delayed,
    round(events / sum(events) OVER (PARTITION BY provider), 4) AS share_of_provider
FROM code_hourly
WHERE hour >= toStartOfHour({since:DateTime('UTC')})
  AND hour < {until:DateTime('UTC')}
  AND ({provider:String} = '' OR provider = {provider:String})
GROUP BY provider, category, reason
ORDER BY provider, events DESC, category, reason
