// npm run compare:sisimai [-- DIR]: our parse + classification against Sisimai (Perl, Debian libsisimai-perl)
// over the same files. Joins on (file, lower-cased recipient); prints agreement for status, reason and reply
// code, the top reason confusions, and writes every row to out/compare-sisimai.json.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toBounceEventsSync } from '../transform/bounce-event.ts';
import { parseBounce } from '../transform/dsn/index.ts';
import { normalizeLineEnds } from '../transform/mime.ts';
import { isPseudoStatus } from '../transform/pseudo-status.ts';
import { CATEGORY_OF_REASON, type Reason } from '../transform/vocabulary.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(process.argv[2] ?? path.join(repoRoot, '../shared/corpus/sisimai/maildir/bsd'));
const outFile = path.join(repoRoot, 'out', 'compare-sisimai.json');

// Sisimai 4 (Debian) has make(); Sisimai 5 renamed it rise(). One JSON line per recipient.
const PERL = String.raw`
use strict; use warnings; use Sisimai; use JSON::PP;
my $json = JSON::PP->new->canonical(1);
my $parse = Sisimai->can('rise') || Sisimai->can('make');
for my $file (@ARGV) {
  my $list = eval { $parse->('Sisimai', $file) } || [];
  for my $d (@$list) {
    my $addr = ref $d->recipient ? $d->recipient->address : $d->recipient;
    print $json->encode({ file => $file, recipient => lc($addr // ''), status => $d->deliverystatus // '',
      reason => $d->reason // '', replycode => '' . ($d->replycode // ''), agent => $d->smtpagent // '', command => $d->smtpcommand // '' }), "\n";
  }
}`;

/** Sisimai 4 (Debian) reason names that Sisimai 5 and our vocabulary renamed. */
const SISIMAI4_ALIASES: Record<string, string> = { mesgtoobig: 'emailtoolarge' };

/**
 * Our Sisimai 5 refinements and the Sisimai 4 reasons the same texts get there. Used only for the second,
 * labelled reason figure; the raw figure (exact string match) stays the headline.
 */
const SISIMAI4_EQUIVALENT: Record<string, readonly string[]> = {
  badreputation: ['blocked'],
  requireptr: ['blocked'],
  authfailure: ['securityerror', 'policyviolation', 'blocked'],
  ratelimited: ['speeding', 'toomanyconn', 'blocked'],
  hasmoved: ['userunknown'],
  failedstarttls: ['securityerror', 'systemerror'],
  notcompliantrfc: ['securityerror', 'contenterror', 'spamdetected'],
};

interface Row {
  file: string;
  recipient: string;
  status: string;
  reason: string;
  replycode: string;
  agent: string;
  command: string;
}

async function main(): Promise<void> {
  const files = (await fs.readdir(dir)).filter((f) => !f.startsWith('.')).sort();
  if (files.length === 0) throw new Error(`no files in ${dir}`);
  const perl = spawnSync('perl', ['-e', PERL, ...files.map((f) => path.join(dir, f))], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (perl.status !== 0) {
    process.stderr.write(
      `${perl.stderr}\ncompare:sisimai needs Perl with Sisimai: apt-get install -y libsisimai-perl\n`,
    );
    process.exit(1);
  }
  const theirs = new Map<string, Row>();
  for (const line of perl.stdout.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Row;
    r.file = path.basename(r.file);
    r.reason = SISIMAI4_ALIASES[r.reason] ?? r.reason;
    theirs.set(`${r.file}\t${r.recipient}`, r);
  }
  const ours = new Map<string, Row & { mtaKind: string; diagnostic: string }>();
  for (const file of files) {
    const raw = await fs.readFile(path.join(dir, file));
    const res = toBounceEventsSync(raw, { receivedAt: new Date(0) }, { maxMessageBytes: 64 << 20 });
    if (res.kind !== 'ok') continue;
    // the SMTP command is a DsnFields detail (not an event column): take it from the parse step
    const parsed = parseBounce(normalizeLineEnds(raw));
    const commandOf = new Map(
      parsed.kind === 'ok' ? parsed.fields.recipients.map((r) => [r.recipient.toLowerCase(), r.command]) : [],
    );
    for (const e of res.events) {
      ours.set(`${file}\t${e.recipient.toLowerCase()}`, {
        file,
        recipient: e.recipient.toLowerCase(),
        status: e.status,
        reason: e.reason,
        replycode: String(e.reply_code || ''),
        agent: e.mta_kind,
        mtaKind: e.mta_kind,
        diagnostic: e.diagnostic,
        command: commandOf.get(e.recipient.toLowerCase()) ?? '',
      });
    }
  }
  const joined: Array<{ key: string; ours: Row & { diagnostic: string }; theirs: Row }> = [];
  for (const [key, t] of theirs) {
    const o = ours.get(key);
    if (o) joined.push({ key, ours: o, theirs: t });
  }
  const onlyTheirs = [...theirs.keys()].filter((k) => !ours.has(k));
  const onlyOurs = [...ours.keys()].filter((k) => !theirs.has(k));
  const agree = (f: (j: (typeof joined)[number]) => boolean) => joined.filter(f).length;
  const pct = (n: number) => (joined.length ? ((100 * n) / joined.length).toFixed(1) : '0.0');
  const statusAgree = agree((j) => j.ours.status === j.theirs.status);
  // Both sides give x.0.9xx pseudo codes when a bounce carries no enhanced status (transform/pseudo-status.ts):
  // agreement on a real code is agreement on what the MTA wrote; on a pseudo code, agreement on the reason.
  const realCode = joined.filter((j) => !isPseudoStatus(j.theirs.status));
  const statusAgreeReal = realCode.filter((j) => j.ours.status === j.theirs.status).length;
  const pseudoBoth = joined.filter((j) => isPseudoStatus(j.theirs.status) && isPseudoStatus(j.ours.status));
  const pseudoBothAgree = pseudoBoth.filter((j) => j.ours.status === j.theirs.status).length;
  const reasonAgree = agree((j) => j.ours.reason === j.theirs.reason);
  const reasonAgree4 = agree(
    (j) => j.ours.reason === j.theirs.reason || (SISIMAI4_EQUIVALENT[j.ours.reason] ?? []).includes(j.theirs.reason),
  );
  // Sisimai's reason put through our CATEGORY_OF_REASON (reasons we do not have count as 'other')
  const categoryOf = (reason: string) => CATEGORY_OF_REASON[reason as Reason] ?? 'other';
  const categoryAgree = agree((j) => categoryOf(j.ours.reason) === categoryOf(j.theirs.reason));
  const replyAgree = agree((j) => (j.ours.replycode || '0') === (j.theirs.replycode || '0'));
  const commandAgree = agree((j) => (j.ours.command || '') === (j.theirs.command || ''));
  const confusion = new Map<string, number>();
  for (const j of joined) {
    if (j.ours.reason === j.theirs.reason) continue;
    const k = `${j.ours.reason} ← sisimai ${j.theirs.reason}`;
    confusion.set(k, (confusion.get(k) ?? 0) + 1);
  }
  const top = [...confusion].sort((a, b) => b[1] - a[1]).slice(0, 15);

  const out = process.stdout;
  out.write(`corpus: ${dir} (${files.length} files)\n`);
  out.write(
    `recipients: sisimai ${theirs.size}, ours ${ours.size}, joined ${joined.length}, only sisimai ${onlyTheirs.length}, only ours ${onlyOurs.length}\n`,
  );
  out.write(`status agrees:     ${pct(statusAgree)}% (${statusAgree}/${joined.length}, target 90%)\n`);
  out.write(
    `status agrees where Sisimai has a real code (not its x.0.9xx pseudo codes): ${((100 * statusAgreeReal) / Math.max(1, realCode.length)).toFixed(1)}% (${statusAgreeReal}/${realCode.length})\n`,
  );
  out.write(
    `status agrees where both give a pseudo code (no code in the bounce; the reasons decide): ${((100 * pseudoBothAgree) / Math.max(1, pseudoBoth.length)).toFixed(1)}% (${pseudoBothAgree}/${pseudoBoth.length})\n`,
  );
  out.write(`reason agrees:     ${pct(reasonAgree)}% (${reasonAgree}/${joined.length}, target 80%)\n`);
  out.write(
    `reason agrees, Sisimai-5 refinements mapped back to Sisimai 4 (badreputation/requireptr → blocked, authfailure → securityerror|policyviolation|blocked, ratelimited → speeding|toomanyconn|blocked): ${pct(reasonAgree4)}% (${reasonAgree4}/${joined.length})\n`,
  );
  out.write(
    `category agrees (both reasons through CATEGORY_OF_REASON): ${pct(categoryAgree)}% (${categoryAgree}/${joined.length})\n`,
  );
  out.write(`reply code agrees: ${pct(replyAgree)}% (${replyAgree}/${joined.length})\n`);
  out.write(`SMTP command agrees: ${pct(commandAgree)}% (${commandAgree}/${joined.length})\n`);
  out.write(`top reason disagreements (ours ← sisimai):\n`);
  for (const [k, n] of top) out.write(`  ${String(n).padStart(4)}  ${k}\n`);
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  await fs.writeFile(
    outFile,
    JSON.stringify(
      {
        dir,
        files: files.length,
        joined: joined.length,
        statusAgree,
        statusAgreeReal,
        realCodeRows: realCode.length,
        pseudoBoth: pseudoBoth.length,
        pseudoBothAgree,
        reasonAgree,
        reasonAgreeSisimai4Mapped: reasonAgree4,
        categoryAgree,
        replyAgree,
        confusion: Object.fromEntries(top),
        statusDisagreements: joined.filter((j) => j.ours.status !== j.theirs.status),
        reasonDisagreements: joined.filter((j) => j.ours.reason !== j.theirs.reason),
        commandDisagreements: joined.filter((j) => (j.ours.command || '') !== (j.theirs.command || '')),
        replyDisagreements: joined.filter((j) => (j.ours.replycode || '0') !== (j.theirs.replycode || '0')),
        onlySisimai: onlyTheirs.map((k) => theirs.get(k)),
        onlyOurs: onlyOurs.map((k) => ours.get(k)),
      },
      null,
      1,
    ),
  );
  out.write(`details: ${path.relative(process.cwd(), outFile)}\n`);
}

await main();
