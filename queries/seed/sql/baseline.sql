-- Seed: ordinary bounces (no block-list incidents), generated inside ClickHouse from numbers().
-- Params: seed UInt64, offset UInt64, count UInt64 (this chunk: rows offset .. offset+count-1),
--         baseline_rows UInt64 (all baseline rows), start DateTime, span_seconds UInt64, ips/prefixes Array(String).
-- Row n: bounced_at = start + n * span / baseline_rows (evenly spaced), sending IP = ips[n % length(ips)]
-- (round robin, like an outbound pool); provider, reason, recipient, account and seconds of delay are hashed from
-- (seed, n), so a seed always gives the same rows. Rows go through bounce_events so the rollup views fill.
INSERT INTO bounce_events (event_id, received_at, bounced_at, reporting_mta, remote_mta, mta_kind, sending_ip,
  sending_prefix, listed_ip, sender, sender_domain, account, recipient, recipient_domain, action, status, reply_code,
  diagnostic, reason, category, provider, ms_code, kafka_partition, kafka_offset)
SELECT
  lower(hex(sipHash128({seed:UInt64}, 'baseline', number))) AS event_id,
  toDateTime64(bounced_at + (h2 % 300), 3, 'UTC') AS received_at,
  bounced_at,
  concat('mo-out0', toString(ip_index % 4 + 1), '.example-hoster.net') AS reporting_mta,
  multiIf(provider = 'microsoft', concat(replaceAll(recipient_domain, '.', '-'), '.olc.protection.outlook.com'),
          provider = 'google', 'gmail-smtp-in.l.google.com', provider = 'gmx', 'mx00.emig.gmx.net',
          provider = 'webde', 'mx-ha03.web.de', provider = 'tonline', 'mx00.t-online.de',
          provider = 'yahoo', 'mta5.am0.yahoodns.net', provider = 'ionos', 'mx00.ionos.de',
          provider = 'apple', 'mx01.mail.icloud.com', concat('mx.', recipient_domain)) AS remote_mta,
  'postfix' AS mta_kind,
  toIPv6({ips:Array(String)}[ip_index + 1]) AS sending_ip,
  {prefixes:Array(String)}[ip_index + 1] AS sending_prefix,
  CAST(NULL, 'Nullable(IPv6)') AS listed_ip,
  account AS sender,
  splitByChar('@', account)[2] AS sender_domain,
  account,
  concat('r', toString(h2 % 2000000), '@', recipient_domain) AS recipient,
  recipient_domain,
  if(reason = 'networkerror' OR (reason = 'mailboxfull' AND h2 % 7 = 0), 'delayed', 'failed') AS action,
  transform(reason, ['userunknown', 'mailboxfull', 'hostunknown', 'expired', 'spamdetected', 'networkerror', 'policyviolation', 'authfailure'],
            ['5.1.1', '5.2.2', '5.4.4', '4.4.7', '5.7.1', '4.4.1', '5.7.1', '5.7.26'], '5.0.0') AS status,
  transform(reason, ['userunknown', 'mailboxfull', 'hostunknown', 'expired', 'spamdetected', 'networkerror', 'policyviolation', 'authfailure'],
            [550, 552, 0, 0, 554, 0, 550, 550], 550) AS reply_code,
  transform(reason, ['userunknown', 'mailboxfull', 'hostunknown', 'expired', 'spamdetected', 'networkerror', 'policyviolation', 'authfailure'],
            ['550 5.1.1 <recipient>: Recipient address rejected: User unknown', '552 5.2.2 Mailbox full / quota exceeded',
             'Host or domain name not found. Name service error for name=domain type=MX', 'delivery temporarily suspended: message expired in queue',
             '554 5.7.1 Message rejected as spam', 'connect to mx: Connection timed out', '550 5.7.1 Rejected due to local policy',
             '550 5.7.26 Unauthenticated email is not accepted from this domain'], '') AS diagnostic,
  reason,
  transform(reason, ['userunknown', 'mailboxfull', 'hostunknown', 'expired', 'spamdetected', 'networkerror', 'policyviolation', 'authfailure'],
            ['recipient_unknown', 'mailbox_full', 'domain_unknown', 'expired', 'content_spam', 'network', 'policy', 'auth_failure'], 'other') AS category,
  provider,
  '' AS ms_code,
  toUInt32(0) AS kafka_partition,
  toUInt64(0) AS kafka_offset
FROM
(
  SELECT
    number,
    toUInt32(number % length({ips:Array(String)})) AS ip_index,
    toDateTime({start:DateTime}, 'UTC') + intDiv(number * {span_seconds:UInt64}, {baseline_rows:UInt64}) AS bounced_at,
    cityHash64({seed:UInt64}, number, 1) AS h1,
    cityHash64({seed:UInt64}, number, 2) AS h2,
    (h1 % 10000) / 10000 AS u_provider,
    (intDiv(h1, 10000) % 10000) / 10000 AS u_reason,
    (intDiv(h1, 100000000) % 10000) / 10000 AS u_account,
    multiIf(u_provider < 0.30, 'microsoft', u_provider < 0.52, 'google', u_provider < 0.62, 'gmx', u_provider < 0.70, 'webde',
            u_provider < 0.77, 'tonline', u_provider < 0.82, 'yahoo', u_provider < 0.86, 'ionos', u_provider < 0.89, 'apple',
            'other') AS provider,
    multiIf(u_reason < 0.55, 'userunknown', u_reason < 0.75, 'mailboxfull', u_reason < 0.83, 'hostunknown', u_reason < 0.88, 'expired',
            u_reason < 0.92, 'spamdetected', u_reason < 0.95, 'networkerror', u_reason < 0.98, 'policyviolation', 'authfailure') AS reason,
    multiIf(provider = 'microsoft', ['hotmail.com', 'outlook.com', 'live.com', 'msn.com', 'hotmail.de', 'outlook.de'][h2 % 6 + 1],
            provider = 'google', ['gmail.com', 'googlemail.com'][h2 % 2 + 1], provider = 'gmx', ['gmx.de', 'gmx.net', 'gmx.at'][h2 % 3 + 1],
            provider = 'webde', 'web.de', provider = 'tonline', 't-online.de', provider = 'yahoo', ['yahoo.com', 'yahoo.de', 'aol.com'][h2 % 3 + 1],
            provider = 'ionos', ['online.de', 'ionos.de'][h2 % 2 + 1], provider = 'apple', ['icloud.com', 'me.com'][h2 % 2 + 1],
            concat('d', toString(h2 % 3000), '.example')) AS recipient_domain,
    -- skewed: a few accounts bounce much more than most
    toUInt32(floor(4000 * u_account * u_account)) AS account_index,
    concat('u', toString(account_index), '@kunde', toString(account_index % 1500), '.example') AS account
  FROM numbers_mt({offset:UInt64}, {count:UInt64})
)
