-- Seed: incident rows (block-list listings, deferrals, spam bursts) from the plan built in queries/seed/plan.ts.
-- Params: seed UInt64; blocks String = JSON array of blocks, each one IP's share of one incident:
--   {i, ip, prefix, start, end (unix s), rows, accounts [..], listed 0|1, provider, reason, category, ms_code,
--    status, reply_code, action, remote_mta, domains [..], diagnostic ('{ip}' → the IP)}.
-- Row j of a block: bounced_at = start + j * (end - start) / rows (integer division, the same formula as
-- blockRowTime in plan.ts), account = accounts[j % n]; recipients are hashed from (seed, block, j).
INSERT INTO bounce_events (event_id, received_at, bounced_at, reporting_mta, remote_mta, mta_kind, sending_ip,
  sending_prefix, listed_ip, sender, sender_domain, account, recipient, recipient_domain, action, status, reply_code,
  diagnostic, reason, category, provider, ms_code, kafka_partition, kafka_offset)
SELECT
  lower(hex(sipHash128({seed:UInt64}, 'incident', b.i, j))) AS event_id,
  toDateTime64(bounced_at + (h % 300), 3, 'UTC') AS received_at,
  bounced_at,
  concat('mo-out0', toString(b.i % 4 + 1), '.example-hoster.net') AS reporting_mta,
  b.remote_mta AS remote_mta,
  'postfix' AS mta_kind,
  toIPv6(b.ip) AS sending_ip,
  b.prefix AS sending_prefix,
  if(b.listed = 1, toNullable(toIPv6(b.ip)), CAST(NULL, 'Nullable(IPv6)')) AS listed_ip,
  account AS sender,
  if(account = '', '', splitByChar('@', account)[2]) AS sender_domain,
  account,
  concat('r', toString(h % 2000000), '@', recipient_domain) AS recipient,
  recipient_domain,
  b.action AS action,
  b.status AS status,
  b.reply_code AS reply_code,
  replaceAll(b.diagnostic, '{ip}', b.ip) AS diagnostic,
  b.reason AS reason,
  b.category AS category,
  b.provider AS provider,
  b.ms_code AS ms_code,
  toUInt32(0) AS kafka_partition,
  toUInt64(0) AS kafka_offset
FROM
(
  SELECT
    b,
    j,
    toDateTime(b.start + intDiv(j * (b.end - b.start), b.rows), 'UTC') AS bounced_at,
    cityHash64({seed:UInt64}, b.i, j) AS h,
    if(length(b.accounts) = 0, '', b.accounts[j % length(b.accounts) + 1]) AS account,
    b.domains[h % length(b.domains) + 1] AS recipient_domain
  FROM
  (
    SELECT arrayJoin(JSONExtract({blocks:String},
      'Array(Tuple(i UInt32, ip String, prefix String, start UInt64, end UInt64, rows UInt64, accounts Array(String), listed UInt8,
                   provider String, reason String, category String, ms_code String, status String, reply_code UInt16,
                   action String, remote_mta String, domains Array(String), diagnostic String))')) AS b
  )
  ARRAY JOIN range(b.rows) AS j
)
