-- Weekly report: sending accounts with the most bounces through an IP in the lookback before that IP was newly
-- listed this week (the usual lead to compromised accounts), from v_accounts_before_listing, the same rows the
-- named query accounts-before-listing and the dashboard panel read.
-- Params: since, until DateTime (the week); lookback_hours UInt32; top UInt32.
-- Columns: account, events (bounces in those lookback windows, counted once per listing they precede: two new
--          listings of one IP at two receivers in one week count its events twice), listings (new listings it
--          preceded), ips (distinct sending IPs).
SELECT
  account,
  sum(events) AS events,
  count() AS listings,
  uniqExact(sending_ip) AS ips
FROM v_accounts_before_listing(since = {since:DateTime}, until = {until:DateTime},
                               lookback_hours = {lookback_hours:UInt32}, category = 'ip_blocklist')
GROUP BY account
ORDER BY events DESC, account
LIMIT {top:UInt32}
