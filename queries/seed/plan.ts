// The seed plan: which incidents happen when, on which IPs, with how many rows. Pure and deterministic;
// the SQL in queries/seed/sql/ turns it into rows and expected.ts derives exact expected numbers from it.
import type { Category, Provider, Reason } from '../../transform/vocabulary.ts';
import { ConfigError } from '../../shared/errors.ts';
import { FLEET_IPS, BASELINE_ACCOUNTS, accountName, prefixIps, type FleetIp } from './fleet.ts';

export interface SeedOptions {
  /** total rows to insert (baseline + incidents), exactly. */
  events: number;
  /** first day, UTC midnight. */
  start: Date;
  days: number;
  /** changes the hashed noise (recipients, providers and reasons of the baseline, times within a day). */
  seed: number;
}

/** A kind of rejection an incident produces: one receiver's code and text. */
export interface Rejection {
  provider: Provider;
  reason: Reason;
  category: Category;
  ms_code: string;
  status: string;
  reply_code: number;
  action: 'failed' | 'delayed';
  remote_mta: string;
  recipient_domains: string[];
  /** receiver text; `{ip}` becomes the sending IP. */
  diagnostic: string;
}

/** One IP's share of an incident: rows evenly spaced from `start` to `end` (exclusive). */
export interface SeedBlock {
  incident: string;
  ip: string;
  prefix: string;
  /** unix seconds */
  start: number;
  end: number;
  rows: number;
  /** accounts used round robin (row j → accounts[j % n]); empty = none named. */
  accounts: string[];
  /** the receiver names the IP in its text: listed_ip is set (also for deferrals that name it). */
  listed: boolean;
  rejection: Rejection;
}

export interface Incident {
  id: string;
  title: string;
  provider: Provider;
  category: Category;
  ips: string[];
  /** unix seconds: the first and last row of the whole incident. */
  first: number;
  last: number;
  accounts: string[];
}

export interface SeedPlan {
  options: SeedOptions;
  /** unix seconds of options.start, and the span in seconds. */
  startSec: number;
  spanSec: number;
  baselineRows: number;
  blocks: SeedBlock[];
  incidents: Incident[];
}

const HOUR = 3600;
const DAY = 86400;
/** Share of all rows that belong to incidents (the rest is the ordinary baseline). */
const INCIDENT_SHARE = 0.22;
/** At least one row every this many seconds inside a block, so a listing never looks interrupted (gap 24 h). */
const MAX_ROW_SPACING = 6 * HOUR;

const outlook: Omit<Rejection, 'ms_code' | 'diagnostic'> = {
  provider: 'microsoft',
  reason: 'blocked',
  category: 'ip_blocklist',
  status: '5.7.1',
  reply_code: 550,
  action: 'failed',
  remote_mta: 'hotmail-com.olc.protection.outlook.com',
  recipient_domains: ['hotmail.com', 'outlook.com', 'live.com', 'msn.com', 'hotmail.de', 'outlook.de'],
};
const msText = (code: string) =>
  `550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since ` +
  `part of their network is on our block list (${code}). You can also refer your provider to ` +
  `http://mail.live.com/mail/troubleshooting.aspx#errors. [AM4PEPF00027A5C.eurprd04.prod.outlook.com]`;

export const REJECTIONS = {
  S3150: { ...outlook, ms_code: 'S3150', diagnostic: msText('S3150') },
  S3140: { ...outlook, ms_code: 'S3140', diagnostic: msText('S3140') },
  eop606: {
    ...outlook,
    ms_code: '5.7.606',
    status: '5.7.606',
    remote_mta: 'contoso-com.mail.protection.outlook.com',
    recipient_domains: ['contoso.example', 'fabrikam.example'],
    diagnostic:
      '550 5.7.606 Access denied, banned sending IP [{ip}]. To request removal from this list please visit ' +
      'https://sender.office.com/ and follow the directions. AS(1430)',
  },
  tonlineBL: {
    provider: 'tonline',
    reason: 'blocked',
    category: 'ip_blocklist',
    ms_code: '',
    status: '5.0.0',
    reply_code: 554,
    action: 'failed',
    remote_mta: 'mx00.t-online.de',
    recipient_domains: ['t-online.de', 'magenta.de'],
    diagnostic:
      '554 IP={ip} - A problem occurred. Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify. (BL)',
  },
  gmail4728: {
    provider: 'google',
    reason: 'ratelimited',
    category: 'rate_limit',
    ms_code: '',
    status: '4.7.28',
    reply_code: 421,
    action: 'delayed',
    remote_mta: 'gmail-smtp-in.l.google.com',
    recipient_domains: ['gmail.com', 'googlemail.com'],
    diagnostic:
      '421-4.7.28 [{ip} 15] Gmail has detected an unusual rate of unsolicited mail originating from your IP ' +
      'netblock. To protect our users from spam, mail sent from your IP netblock has been temporarily rate limited. - gsmtp',
  },
  yahooTSS04: {
    provider: 'yahoo',
    reason: 'badreputation',
    category: 'ip_reputation',
    ms_code: '',
    status: '4.7.0',
    reply_code: 421,
    action: 'delayed',
    remote_mta: 'mta7.am0.yahoodns.net',
    recipient_domains: ['yahoo.com', 'yahoo.de', 'aol.com'],
    diagnostic:
      '421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - ' +
      '4.16.55.1; see https://senders.yahooinc.com/error-codes',
  },
  spamBurst: {
    provider: 'other',
    reason: 'userunknown',
    category: 'recipient_unknown',
    ms_code: '',
    status: '5.1.1',
    reply_code: 550,
    action: 'failed',
    remote_mta: 'mx.harvested-list.example',
    recipient_domains: ['mail-a.example', 'mail-b.example', 'mail-c.example', 'list-d.example'],
    diagnostic: '550 5.1.1 <recipient>: Recipient address rejected: User unknown in virtual mailbox table',
  },
} satisfies Record<string, Rejection>;

/** One incident as designed: day offsets from the seed start; rows follow from weights. */
interface IncidentSpec {
  id: string;
  title: string;
  ips: FleetIp[];
  /** per IP k: [startDay, endDay) */
  window: (k: number) => [number, number];
  rejection: (k: number) => Rejection;
  /** relative volume per IP-hour */
  intensity: number;
  accounts?: string[];
  listed: boolean;
}

/** Compromised accounts sit outside the baseline account range, so their counts are exact. */
const compromised = (...n: number[]) => n.map((i) => accountName(BASELINE_ACCOUNTS + i));

/** The incident calendar for a 28-day seed starting on a Monday (weeks 1-4). */
function incidentSpecs(): IncidentSpec[] {
  const listA = prefixIps(0).slice(0, 40);
  const listB = [...prefixIps(1), ...prefixIps(4).slice(0, 4)];
  return [
    {
      id: 'burst-a',
      title: 'Spam burst from 3 compromised accounts before listing A',
      ips: listA,
      listed: false,
      window: (k) => [8, 9.25 + k / 16],
      rejection: () => REJECTIONS.spamBurst,
      intensity: 1.5,
      accounts: compromised(117, 977, 48),
    },
    {
      id: 'ms-listing-a',
      title: `Outlook.com S3150/S3140 listing spreading over ${listA.length} IPs of 198.51.100.0/24`,
      ips: listA,
      listed: true,
      window: (k) => [9.25 + k / 16, 17 + k / 20],
      rejection: (k) => (k % 5 === 4 ? REJECTIONS.S3140 : REJECTIONS.S3150),
      intensity: 1,
    },
    {
      id: 'tonline-bl',
      title: 'T-Online (BL) listing of 3 IPs of 198.18.7.0/24',
      ips: prefixIps(3).slice(2, 5),
      listed: true,
      window: (k) => [12.3 + k / 8, 16.8],
      rejection: () => REJECTIONS.tonlineBL,
      intensity: 0.6,
    },
    {
      id: 'eop-606',
      title: 'Exchange Online 5.7.606 ban of 2 IPs of 192.0.2.0/24',
      ips: prefixIps(2).slice(5, 7),
      listed: true,
      window: (k) => [15.5 + k / 4, 22.5],
      rejection: () => REJECTIONS.eop606,
      intensity: 0.4,
    },
    {
      id: 'yahoo-tss04',
      title: 'Yahoo TSS04 deferrals on 24 IPs of 198.51.100.0/24',
      ips: prefixIps(0).slice(0, 24),
      listed: true,
      window: () => [17.5, 20.5],
      rejection: () => REJECTIONS.yahooTSS04,
      intensity: 0.8,
    },
    {
      id: 'gmail-4728-1',
      title: 'Gmail 4.7.28 rate limits on 8 IPs of 192.0.2.0/24',
      ips: prefixIps(2).slice(10, 18),
      listed: true,
      window: () => [3.2, 5],
      rejection: () => REJECTIONS.gmail4728,
      intensity: 0.8,
    },
    {
      id: 'burst-b',
      title: 'Spam burst from 2 compromised accounts before listing B',
      ips: listB,
      listed: false,
      window: (k) => [20, 21.1 + k / 24],
      rejection: () => REJECTIONS.spamBurst,
      intensity: 1.5,
      accounts: compromised(1201, 333),
    },
    {
      id: 'ms-listing-b',
      title: `Outlook.com S3150 listing spreading over 203.0.113.0/24 and 4 IPs of the IPv6 /64`,
      ips: listB,
      listed: true,
      window: (k) => [21.1 + k / 24, 28],
      rejection: (k) => (k % 7 === 6 ? REJECTIONS.S3140 : REJECTIONS.S3150),
      intensity: 1,
    },
    {
      id: 'gmail-4728-2',
      title: 'Gmail 4.7.28 rate limits on 8 IPs of 192.0.2.0/24 again',
      ips: prefixIps(2).slice(10, 18),
      listed: true,
      window: () => [22.4, 24.1],
      rejection: () => REJECTIONS.gmail4728,
      intensity: 0.8,
    },
  ];
}

export function planSeed(options: SeedOptions): SeedPlan {
  validate(options);
  const startSec = Math.floor(options.start.getTime() / 1000);
  const spanSec = options.days * DAY;
  // Windows are clipped to the seeded span; a block that falls outside disappears.
  const drafts: (Omit<SeedBlock, 'rows'> & { weight: number; minRows: number })[] = [];
  for (const spec of incidentSpecs()) {
    spec.ips.forEach((f, k) => {
      const [d0, d1] = spec.window(k);
      const start = startSec + Math.round(Math.min(d0 * DAY, spanSec));
      const end = startSec + Math.round(Math.min(d1 * DAY, spanSec));
      if (end - start < HOUR) return;
      drafts.push({
        incident: spec.id,
        ip: f.ip,
        prefix: f.prefix,
        start,
        end,
        accounts: spec.accounts ?? [],
        listed: spec.listed,
        rejection: spec.rejection(k),
        weight: ((end - start) / HOUR) * spec.intensity,
        minRows: Math.ceil((end - start) / MAX_ROW_SPACING),
      });
    });
  }
  const incidentRows = Math.floor(options.events * INCIDENT_SHARE);
  const totalWeight = drafts.reduce((s, d) => s + d.weight, 0);
  const blocks: SeedBlock[] = drafts.map(({ weight, minRows, ...b }) => ({
    ...b,
    rows: Math.max(minRows, Math.floor((incidentRows * weight) / totalWeight)),
  }));
  const used = blocks.reduce((s, b) => s + b.rows, 0);
  const baselineRows = options.events - used;
  if (baselineRows < FLEET_IPS.length * options.days) {
    throw new ConfigError(
      `--events ${options.events} is too small for ${options.days} days: incidents alone need ${used} rows and the ` +
        `baseline at least ${FLEET_IPS.length * options.days}; use --events ${used + FLEET_IPS.length * options.days} or more`,
    );
  }
  return { options, startSec, spanSec, baselineRows, blocks, incidents: summarize(blocks) };
}

/** Time of row j of a block (unix seconds); the SQL uses the same integer formula. */
export function blockRowTime(b: SeedBlock, j: number): number {
  return b.start + Math.floor((j * (b.end - b.start)) / b.rows);
}

/** Time of baseline row n (unix seconds); the SQL uses the same integer formula. */
export function baselineRowTime(plan: SeedPlan, n: number): number {
  return plan.startSec + Number((BigInt(n) * BigInt(plan.spanSec)) / BigInt(plan.baselineRows));
}

function summarize(blocks: SeedBlock[]): Incident[] {
  const byId = new Map<string, Incident>();
  for (const b of blocks) {
    const last = blockRowTime(b, b.rows - 1);
    const inc = byId.get(b.incident);
    if (!inc) {
      byId.set(b.incident, {
        id: b.incident,
        title: '',
        provider: b.rejection.provider,
        category: b.rejection.category,
        ips: [b.ip],
        first: b.start,
        last,
        accounts: [...b.accounts],
      });
    } else {
      inc.ips.push(b.ip);
      inc.first = Math.min(inc.first, b.start);
      inc.last = Math.max(inc.last, last);
    }
  }
  const titles = new Map(incidentSpecs().map((s) => [s.id, s.title]));
  return [...byId.values()].map((i) => ({ ...i, title: titles.get(i.id) ?? i.id }));
}

function validate(o: SeedOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.events) || o.events < 1)
    problems.push(`--events must be a whole number >= 1, got ${o.events}`);
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 366) problems.push(`--days must be 1..366, got ${o.days}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) problems.push(`--seed must be a whole number >= 0, got ${o.seed}`);
  if (Number.isNaN(o.start.getTime()) || o.start.getTime() % (DAY * 1000) !== 0) {
    problems.push(`--start must be a date (YYYY-MM-DD, UTC midnight), got ${String(o.start)}`);
  }
  if (problems.length) throw new ConfigError(`seed: ${problems.join('; ')}`);
}
