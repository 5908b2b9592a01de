// `produce -` as MTAs run it: real shell pipes into the real command against the real broker, the snippets of
// docs/production.md (wrapper, Postfix pipe argv, Exim transport command, aliases line) extracted and run as
// written, then a consumer stores the events, using the envelope-recipient header where the bounce lacks the
// sender. With no broker the command exits 75 (EX_TEMPFAIL); empty or oversize input exits 65 (EX_DATAERR).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { testConfig } from '../../cli/config.ts';
import { startConsume } from '../../cli/consume-run.ts';
import { queryRows, type TestStore } from '../helpers/store.ts';
import { withStoreAndTopics } from '../helpers/kafka-run.ts';
import { FIXTURES, kafkaBrokers, randomName, readTopic, renderBounce, REPO_ROOT } from '../helpers/kafka.ts';

const CLI = path.join(REPO_ROOT, 'bin/bounce-pipeline.js');
const topic = randomName('stdin-raw');
let store: TestStore;
const { tmp, topics } = withStoreAndTopics(test, 'bp-stdin-', (s) => {
  store = s;
});
topics.push(topic, `${topic}-dlq`);

const NO_SENDER = fs.readFileSync(path.join(FIXTURES, 'no-sender.eml'), 'utf8');
const noSenderBounce = (rcpt: string) => Buffer.from(NO_SENDER.replaceAll('{{RCPT}}', rcpt));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs argv (no shell, as Postfix and Exim do) or a shell line, with `input` on standard input through a pipe. */
function run(cmd: string[] | string, input: Buffer, env: Record<string, string> = {}): Promise<Ran> {
  const [file, args] = typeof cmd === 'string' ? ['/bin/sh', ['-c', cmd]] : [cmd[0], cmd.slice(1)];
  const child = spawn(file, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdin.on('error', () => undefined); // a command that exits early closes its end
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const kafkaEnv = () => ({ KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic });

/** The fenced blocks of docs/production.md. */
function docBlocks(): string[] {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/production.md'), 'utf8');
  return [...doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** The documented wrapper, installed into tmp: the repository instead of /opt, a test env file instead of /etc. */
function installWrapper(): string {
  const block = docBlocks().find((b) => b.startsWith('#!/bin/sh') && b.includes('bounce-produce'));
  if (!block) throw new Error('docs/production.md has no #!/bin/sh wrapper block for bounce-produce');
  const envFile = path.join(tmp, 'env');
  fs.writeFileSync(
    envFile,
    Object.entries(kafkaEnv())
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  const wrapper = path.join(tmp, 'bounce-produce');
  fs.writeFileSync(
    wrapper,
    block.replaceAll('/etc/bounce-pipeline/env', envFile).replaceAll('/opt/bounce-pipeline', REPO_ROOT),
    { mode: 0o755 },
  );
  return wrapper;
}

function docLine(re: RegExp): string {
  for (const b of docBlocks()) {
    const m = re.exec(b);
    if (m) return m[1];
  }
  throw new Error(`docs/production.md has no line matching ${re}`);
}

const expectedRecords: { rcpt: string; envelope: string; sender: string }[] = [];

test.serial('the documented Postfix, Exim and aliases commands hand a bounce to Kafka and exit 0', async (t) => {
  const wrapper = installWrapper();
  const mtas: { name: string; cmd: (envelope: string) => string[] | string }[] = [
    // master.cf: pipe(8) splits argv on white space and expands ${recipient}; no shell.
    {
      name: 'postfix',
      cmd: (env) =>
        docLine(/argv=(.+)$/m)
          .replace('/usr/local/bin/bounce-produce', wrapper)
          .replace('${recipient}', env)
          .split(/\s+/),
    },
    // Exim's pipe transport splits the command itself and expands $local_part@$domain; no shell.
    {
      name: 'exim',
      cmd: (env) =>
        docLine(/^\s*command = (.+)$/m)
          .replace('/usr/local/bin/bounce-produce', wrapper)
          .replace('$local_part@$domain', env)
          .split(/\s+/),
    },
    // aliases: sendmail runs the program through /bin/sh -c.
    { name: 'aliases', cmd: () => docLine(/^bounces: "\|(.+)"$/m).replace('/usr/local/bin/bounce-produce', wrapper) },
  ];
  for (const mta of mtas) {
    const rcpt = `${mta.name}-user@hotmail.com`;
    const envelope =
      mta.name === 'aliases' ? 'bounces@bounce.example.net' : `bounces+${rcpt.replace('@', '=')}@bounce.example.net`;
    const r = await run(mta.cmd(envelope), noSenderBounce(rcpt));
    t.is(r.code, 0, `${mta.name}: ${r.stderr}`);
    t.regex(
      r.stdout,
      new RegExp(`^produce\\.acked topic=${topic} partition=\\d+ offset=\\d+ key=[0-9a-f]{64}`),
      mta.name,
    );
    expectedRecords.push({ rcpt, envelope, sender: envelope });
  }
});

test.serial('cat bounce.eml | npx bounce-pipeline produce -: acked; a leading mbox From line is cut', async (t) => {
  const file = path.join(tmp, 'bounce.eml');
  const bytes = renderBounce({
    recipient: 'pipe-user@hotmail.com',
    ip: '198.51.100.45',
    code: 'S3150',
    sender: 'news@example.net',
  });
  fs.writeFileSync(file, bytes);
  const r = await run(
    `cat ${file} | npx bounce-pipeline produce - --envelope-recipient bounces+x=y.org@bounce.example.net`,
    Buffer.alloc(0),
    kafkaEnv(),
  );
  t.is(r.code, 0, r.stderr);
  // the bounce names its sender: the envelope does not replace it
  expectedRecords.push({
    rcpt: 'pipe-user@hotmail.com',
    envelope: 'bounces+x=y.org@bounce.example.net',
    sender: 'news@example.net',
  });

  const prefixed = Buffer.concat([
    Buffer.from('From MAILER-DAEMON Wed Mar 14 09:20:00 2018\n'),
    noSenderBounce('from-line@hotmail.com'),
  ]);
  const p = await run([process.execPath, CLI, 'produce', '-'], prefixed, kafkaEnv());
  t.is(p.code, 0, p.stderr);
  const got = await readTopic(topic, expectedRecords.length + 1);
  t.is(got.length, expectedRecords.length + 1);
  const fromLine = got.find((m) => m.value!.includes('from-line@hotmail.com'))!;
  t.true(
    fromLine.value!.equals(noSenderBounce('from-line@hotmail.com')),
    'the stored bytes are the message without the From line',
  );
  t.false('envelope-recipient' in fromLine.headers);
  for (const e of expectedRecords) {
    const m = got.find((x) => x.value!.includes(e.rcpt));
    t.is(m?.headers['envelope-recipient'], e.envelope, e.rcpt);
    t.is(m?.headers.source, 'stdin');
  }
});

test.serial(
  'a running consumer stores them; the envelope recipient fills the sender the bounce text lacks',
  async (t) => {
    const config = testConfig({
      kafka: { brokers: kafkaBrokers(), topic, dlqTopic: `${topic}-dlq`, group: randomName('stdin-g') },
      store: { dataDir: store.dataDir, retentionDays: 3650 },
      sink: { maxBatchRows: 10, flushIntervalMs: 200 },
    });
    const lines: string[] = [];
    const consumer = await startConsume(config, {
      store,
      idleExitMs: 1500,
      log: (l) => lines.push(l),
      out: (l) => lines.push(l),
    });
    const tally = await consumer.done;
    t.is(tally.read, expectedRecords.length + 1, lines.join('\n'));
    t.is(tally.stored, expectedRecords.length + 1);
    const rows = await queryRows<{ recipient: string; sender: string; sender_domain: string }>(
      store,
      'SELECT recipient, sender, sender_domain FROM bounce_events FINAL ORDER BY recipient',
    );
    for (const e of expectedRecords) {
      const row = rows.find((r) => r.recipient === e.rcpt);
      t.is(row?.sender, e.sender, e.rcpt);
      t.is(row?.sender_domain, e.sender.split('@')[1]);
    }
    t.is(
      rows.find((r) => r.recipient === 'from-line@hotmail.com')?.sender,
      '',
      'no envelope, no sender in the text: stays empty',
    );
  },
);

test.serial('no broker: exit 75 (EX_TEMPFAIL) within the timeout, saying what to do', async (t) => {
  const started = Date.now();
  const r = await run(
    [process.execPath, CLI, 'produce', '-', '--brokers', '127.0.0.1:29098', '--timeout-ms', '2000'],
    noSenderBounce('down@hotmail.com'),
    { KAFKA_TOPIC: topic },
  );
  t.is(r.code, 75, r.stderr);
  t.regex(r.stderr, /produce\.tempfail .*cannot reach Kafka at 127\.0\.0\.1:29098.*within 2000 ms/);
  t.true(Date.now() - started < 20_000);
  t.is(r.stdout, '');
});

test.serial('a bad setting is a temporary failure too (the MTA keeps the message), naming the variable', async (t) => {
  const r = await run([process.execPath, CLI, 'produce', '-'], noSenderBounce('cfg@hotmail.com'), {
    ...kafkaEnv(),
    KAFKA_SASL_MECHANISM: 'md5',
  });
  t.is(r.code, 75);
  t.regex(r.stderr, /KAFKA_SASL_MECHANISM=md5 is not one of plain, scram-sha-256, scram-sha-512/);
});

test.serial('empty or oversize input: exit 65 (EX_DATAERR), nothing produced', async (t) => {
  const empty = await run([process.execPath, CLI, 'produce', '-'], Buffer.from('\n\r\n  \n'), kafkaEnv());
  t.is(empty.code, 65, empty.stderr);
  t.regex(empty.stderr, /reason=empty_message/);
  const big = await run([process.execPath, CLI, 'produce', '-'], Buffer.alloc(300_000, 'x'), {
    ...kafkaEnv(),
    BOUNCE_MAX_MESSAGE_BYTES: '100000',
  });
  t.is(big.code, 65, big.stderr);
  t.regex(big.stderr, /reason=message_too_large bytes=300000 cap=100000/);
  const got = await readTopic(topic, expectedRecords.length + 2, 3000);
  t.is(got.length, expectedRecords.length + 1, 'only the earlier messages are in the topic');
});
