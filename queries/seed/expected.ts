// Exact expected numbers for a seeded window, computed from the plan alone (no store): the oracle the tests
// compare the weekly report against. Baseline rows are evenly spaced and never ip_blocklist, and every
// block-list block is one (IP, provider) run with rows at most 6 h apart, so these figures are exact.
import { FLEET_IPS } from './fleet.ts';
import { blockRowTime, type SeedBlock, type SeedPlan } from './plan.ts';

export interface ExpectedListing {
  sending_ip: string;
  provider: string;
  /** unix seconds */
  first_seen: number;
  last_seen: number;
  rejections: number;
  rejections_week: number;
  codes: string[];
  still_active: boolean;
  new_this_week: boolean;
  ended_this_week: boolean;
}

export interface ExpectedWindow {
  bounces: number;
  blocklistRejections: number;
  listedIps: number;
  listings: ExpectedListing[];
  /** per UTC day of the window */
  days: { day: string; bounces: number; blocklist: number; activeIps: number; listedIps: number }[];
  /** account → bounces through a newly listed IP in the 24 h before that listing began (named accounts only) */
  accountsBefore: Map<string, number>;
}

/** Baseline rows with bounced_at in [a, b) (unix seconds). */
export function baselineCount(plan: SeedPlan, a: number, b: number): number {
  const first = (t: number) => {
    // smallest n with start + floor(n * span / rows) >= t
    const off = BigInt(Math.max(0, t - plan.startSec));
    const rows = BigInt(plan.baselineRows);
    const n = (off * rows + BigInt(plan.spanSec) - 1n) / BigInt(plan.spanSec);
    return Number(n > rows ? rows : n);
  };
  return Math.max(0, first(b) - first(a));
}

function blockTimes(b: SeedBlock): number[] {
  return Array.from({ length: b.rows }, (_, j) => blockRowTime(b, j));
}

export function expectedWindow(plan: SeedPlan, since: number, until: number, gapHours: number): ExpectedWindow {
  const gap = gapHours * 3600;
  const times = new Map(plan.blocks.map((b) => [b, blockTimes(b)]));
  const inWin = (t: number) => t >= since && t < until;
  const blocklist = plan.blocks.filter((b) => b.rejection.category === 'ip_blocklist');

  let bounces = baselineCount(plan, since, until);
  for (const b of plan.blocks) bounces += times.get(b)!.filter(inWin).length;
  const blocklistRejections = blocklist.reduce((s, b) => s + times.get(b)!.filter(inWin).length, 0);
  const listedIps = new Set(blocklist.filter((b) => times.get(b)!.some(inWin)).map((b) => b.ip)).size;

  const listings: ExpectedListing[] = [];
  for (const b of blocklist) {
    const ts = times.get(b)!.filter((t) => t < until);
    if (ts.length === 0) continue;
    const first = ts[0];
    const last = ts[ts.length - 1];
    // v_listing_episodes_as_of: an episode has ended once the silence after its last rejection exceeds the gap
    if (since - last > gap) continue;
    const stillActive = !(until - last > gap);
    listings.push({
      sending_ip: b.ip,
      provider: b.rejection.provider,
      first_seen: first,
      last_seen: last,
      rejections: ts.length,
      rejections_week: ts.filter(inWin).length,
      codes: [b.rejection.ms_code || b.rejection.status],
      still_active: stillActive,
      new_this_week: first >= since,
      ended_this_week: !stillActive,
    });
  }

  const days: ExpectedWindow['days'] = [];
  for (let d = since; d < until; d += 86400) {
    const e = d + 86400;
    const active = new Set<number>();
    const n0 = baselineCount(plan, plan.startSec, d);
    const n1 = n0 + baselineCount(plan, d, e);
    for (let n = n0; n < n1 && active.size < FLEET_IPS.length; n++) active.add(n % FLEET_IPS.length);
    const activeIps = new Set([...active].map((i) => FLEET_IPS[i].ip));
    let dayBounces = n1 - n0;
    let dayBlock = 0;
    const listed = new Set<string>();
    for (const b of plan.blocks) {
      const k = times.get(b)!.filter((t) => t >= d && t < e).length;
      if (k === 0) continue;
      dayBounces += k;
      activeIps.add(b.ip);
      if (b.rejection.category === 'ip_blocklist') {
        dayBlock += k;
        listed.add(b.ip);
      }
    }
    days.push({
      day: new Date(d * 1000).toISOString().slice(0, 10),
      bounces: dayBounces,
      blocklist: dayBlock,
      activeIps: activeIps.size,
      listedIps: listed.size,
    });
  }

  const accountsBefore = new Map<string, number>();
  for (const l of listings.filter((x) => x.new_this_week)) {
    for (const b of plan.blocks.filter((x) => x.ip === l.sending_ip && x.accounts.length > 0)) {
      times.get(b)!.forEach((t, j) => {
        if (t >= l.first_seen - 86400 && t < l.first_seen) {
          const a = b.accounts[j % b.accounts.length];
          accountsBefore.set(a, (accountsBefore.get(a) ?? 0) + 1);
        }
      });
    }
  }
  return { bounces, blocklistRejections, listedIps, listings, days, accountsBefore };
}
