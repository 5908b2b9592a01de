// The synthetic hoster fleet the seed generator sends from: four IPv4 /24s and one IPv6 /64, 200 IPs.
// Documentation and benchmark ranges only (RFC 5737, RFC 2544, RFC 3849), so seeded data never names a real host.

export interface FleetIp {
  /** 0-based index in FLEET_IPS; the seed SQL picks baseline IPs as number % FLEET_IPS.length. */
  index: number;
  ip: string;
  prefix: string;
}

export const FLEET_PREFIXES = [
  { prefix: '198.51.100.0/24', base: '198.51.100.', v6: false },
  { prefix: '203.0.113.0/24', base: '203.0.113.', v6: false },
  { prefix: '192.0.2.0/24', base: '192.0.2.', v6: false },
  { prefix: '198.18.7.0/24', base: '198.18.7.', v6: false },
  { prefix: '2001:db8:7:1::/64', base: '2001:db8:7:1::', v6: true },
] as const;

const IPS_PER_V4_PREFIX = 48;
const IPS_V6 = 8;

function buildFleet(): FleetIp[] {
  const ips: FleetIp[] = [];
  for (const p of FLEET_PREFIXES) {
    const count = p.v6 ? IPS_V6 : IPS_PER_V4_PREFIX;
    for (let h = 0; h < count; h++) {
      // hosts .10-.57 in each /24; ::a1.. in the /64
      const ip = p.v6 ? `${p.base}${(0xa1 + h).toString(16)}` : `${p.base}${10 + h}`;
      ips.push({ index: ips.length, ip, prefix: p.prefix });
    }
  }
  return ips;
}

export const FLEET_IPS: readonly FleetIp[] = Object.freeze(buildFleet());

/** Ordinary customer accounts (baseline traffic): acct index 0..BASELINE_ACCOUNTS-1. */
export const BASELINE_ACCOUNTS = 4000;

/** Account address for an index; compromised accounts use indexes >= BASELINE_ACCOUNTS so they never mix with baseline. */
export function accountName(index: number): string {
  return `u${index}@kunde${index % 1500}.example`;
}

/** The /24 (or /64) of a fleet prefix by position, and its IPs. */
export function prefixIps(position: number): FleetIp[] {
  const prefix = FLEET_PREFIXES[position].prefix;
  return FLEET_IPS.filter((f) => f.prefix === prefix);
}
