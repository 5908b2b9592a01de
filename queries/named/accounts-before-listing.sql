-- accounts-before-listing: For each listing that began in [since, until), the sending accounts with the most events from that IP in the lookback before it (the lead to compromised accounts).
-- param since: DateTime('UTC') = now-7d -- window start (listings beginning from here)
-- param until: DateTime('UTC') = now -- window end, exclusive; the episodes as of this moment
-- param lookback_hours: UInt32 = 24 -- how far before the first rejection to look
-- param top: UInt32 = 5 -- accounts per listing
-- param category: String = ip_blocklist -- ip_blocklist or ip_reputation
-- allowed category: ip_blocklist, ip_reputation
-- param provider: String = '' -- listings by this provider only, or empty for all
-- columns: provider, sending_ip, listed_at, account, events, recipients, first_event, last_event
-- The rows come from v_accounts_before_listing (migration 0010), which the weekly report and the dashboard panel
-- read too: events in [listed_at - lookback, listed_at), recipients distinct by a 64-bit hash.
SELECT provider, sending_ip, listed_at, account, events, recipients, first_event, last_event
FROM v_accounts_before_listing(
    since = {since:DateTime('UTC')}, until = {until:DateTime('UTC')},
    lookback_hours = {lookback_hours:UInt32}, category = {category:String})
WHERE {provider:String} = '' OR provider = {provider:String}
ORDER BY listed_at, provider, sending_ip, events DESC, account
LIMIT {top:UInt32} BY provider, sending_ip, listed_at
