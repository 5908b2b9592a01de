// SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and TLS (CA, client certificate, server name) against the local
// broker in secure mode: the real CLI produces (files and `produce -`), the consumer stores through the same
// settings (its admin calls, group and DLQ producer included), and wrong credentials or TLS settings are refused
// with an error that says what to check.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadConfig } from '../../cli/config.ts';
import type { Env } from '../../cli/config.ts';
import { startConsume } from '../../cli/consume-run.ts';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { bounceSet, randomName, REPO_ROOT, storeCounts } from '../helpers/kafka.ts';
import { SECURE, startSecureBroker, stopSecureBroker, tlsFile } from '../helpers/secure-kafka.ts';

const CLI = path.join(REPO_ROOT, 'bin/bounce-pipeline.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-secure-'));
let started = false;
let store: TestStore;
test.before(async () => {
  started = startSecureBroker();
  store = await freshStore({ retentionDays: 3650 });
});
test.after.always(async () => {
  await store?.close();
  if (started) stopSecureBroker();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sasl = (mechanism: string, password = SECURE.password): Env => ({
  KAFKA_BROKERS: SECURE.sasl,
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: SECURE.user,
  KAFKA_SASL_PASSWORD: password,
});
const tls = (over: Env = {}): Env => ({
  KAFKA_BROKERS: SECURE.tls,
  KAFKA_TLS_CA_FILE: tlsFile('ca.crt'),
  KAFKA_TLS_CERT_FILE: tlsFile('client.crt'),
  KAFKA_TLS_KEY_FILE: tlsFile('client.key'),
  KAFKA_TLS_SERVERNAME: SECURE.tlsName,
  ...over,
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}
function cli(args: string[], env: Env, input?: Buffer): Promise<Ran> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input ?? Buffer.alloc(0));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Produces `n` bounces with the CLI (files, or one by one through `produce -`), then consumes them in process. */
async function roundTrip(t: import('ava').ExecutionContext, seed: string, env: Env, viaStdin: boolean) {
  const topic = randomName(`${seed}-raw`);
  const set = bounceSet(viaStdin ? 2 : 6, seed);
  const envWithTopic = { ...env, KAFKA_TOPIC: topic };
  if (viaStdin) {
    for (const m of set.messages) {
      const r = await cli(['produce', '-', '--timeout-ms', '20000'], envWithTopic, m);
      t.is(r.code, 0, r.stderr);
    }
  } else {
    const dir = path.join(tmp, seed);
    fs.mkdirSync(dir);
    set.messages.forEach((m, i) => fs.writeFileSync(path.join(dir, `${i}.eml`), m));
    const r = await cli(['produce', dir], envWithTopic);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`produced=${set.messages.length} `));
  }
  const config = loadConfig({
    ...envWithTopic,
    KAFKA_DLQ_TOPIC: `${topic}-dlq`,
    KAFKA_GROUP: randomName(`${seed}-g`),
    BOUNCE_DATA_DIR: store.dataDir,
    BOUNCE_RETENTION_DAYS: '3650',
    BOUNCE_FLUSH_INTERVAL_MS: '200',
    BOUNCE_TRANSFORM_WORKERS: '0',
  });
  const run = await startConsume(config, { store, idleExitMs: 1500, log: () => undefined, out: () => undefined });
  const tally = await run.done;
  t.is(tally.read, set.messages.length);
  t.is((await storeCounts(store.client, seed)).finalRows, set.messages.length);
}

for (const mechanism of ['scram-sha-256', 'scram-sha-512', 'plain']) {
  test.serial(`SASL ${mechanism}: produce and consume through the SASL listener`, (t) =>
    roundTrip(t, `sasl-${mechanism.replace(/\W/g, '')}`, sasl(mechanism), false),
  );
}

test.serial('TLS with CA, client certificate and server name: produce - and consume through the TLS listener', (t) =>
  roundTrip(t, 'tlsrt', tls(), true),
);

test.serial('a wrong SCRAM password: consume stops at start, produce - exits 75, both say what to check', async (t) => {
  const c = await cli(['consume', '--idle-exit-ms', '1000'], {
    ...sasl('scram-sha-512', 'wrong-password'),
    KAFKA_TOPIC: randomName('wrong'),
    BOUNCE_DATA_DIR: path.join(tmp, 'wrong'),
  });
  t.is(c.code, 2, c.stderr);
  t.regex(
    c.stderr,
    /bounce-pipeline: cannot use Kafka at 127\.0\.0\.1:\d+: Kafka refused the SASL login of user "bounce" \(mechanism scram-sha-512\): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD/,
  );
  const p = await cli(
    ['produce', '-', '--timeout-ms', '10000'],
    { ...sasl('scram-sha-256', 'wrong-password'), KAFKA_TOPIC: randomName('wrong') },
    bounceSet(1, 'wrongpw').messages[0],
  );
  t.is(p.code, 75);
  t.regex(p.stderr, /produce\.tempfail .*Kafka refused the SASL login/);
});

test.serial('TLS refusals name the setting: no server name, no CA, no client certificate', async (t) => {
  const file = path.join(tmp, 'one.eml');
  fs.writeFileSync(file, bounceSet(1, 'tlsbad').messages[0]);
  const cases: [string, Env, RegExp][] = [
    [
      'server name',
      tls({ KAFKA_TLS_SERVERNAME: 'other.bounce.test' }),
      /does not name the host we connected to: .*KAFKA_TLS_SERVERNAME/,
    ],
    ['CA', tls({ KAFKA_TLS_CA_FILE: '' }), /TLS certificate is not trusted: set KAFKA_TLS_CA_FILE/],
    [
      'client certificate',
      tls({ KAFKA_TLS_CERT_FILE: '', KAFKA_TLS_KEY_FILE: '' }),
      /refused our TLS client certificate \(none was given\): set KAFKA_TLS_CERT_FILE/,
    ],
  ];
  for (const [what, env, expected] of cases) {
    const r = await cli(['produce', file], { ...env, KAFKA_TOPIC: randomName('tlsbad') });
    t.is(r.code, 2, `${what}: ${r.stderr}`);
    t.regex(r.stderr, expected, what);
  }
});

test.serial('a plain client on the SASL listener is told the listener may expect SASL or TLS', async (t) => {
  const file = path.join(tmp, 'plain.eml');
  fs.writeFileSync(file, bounceSet(1, 'plainsasl').messages[0]);
  const r = await cli(['produce', file], { KAFKA_BROKERS: SECURE.sasl, KAFKA_TOPIC: randomName('plain') });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /The broker hung up: if this listener expects SASL or TLS, set KAFKA_SASL_MECHANISM/);
});
