// The secure-mode local broker (scripts/kafka-local.sh secure-*: SASL on KAFKA_SECURE_PORT+1, TLS on +2), started
// for a test file when nothing answers there and stopped again by the file that started it. Its own ports and data
// dir (.kafka/secure), so the plain broker the rest of the suite uses is never touched.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './kafka.ts';

export const SECURE_BASE_PORT = Number(process.env.KAFKA_SECURE_PORT ?? 29091);
export const SECURE = {
  plain: `127.0.0.1:${SECURE_BASE_PORT}`,
  sasl: `127.0.0.1:${SECURE_BASE_PORT + 1}`,
  tls: `127.0.0.1:${SECURE_BASE_PORT + 2}`,
  user: process.env.KAFKA_SECURE_USER ?? 'bounce',
  password: process.env.KAFKA_SECURE_PASSWORD ?? 'bounce-local-secret',
  tlsDir: path.join(REPO_ROOT, '.kafka/secure/tls'),
  tlsName: process.env.KAFKA_SECURE_TLS_NAME ?? 'broker.bounce.test',
};

const script = (cmd: string) =>
  spawnSync('bash', [path.join(REPO_ROOT, 'scripts/kafka-local.sh'), cmd], {
    env: { ...process.env, KAFKA_SECURE_PORT: String(SECURE_BASE_PORT) },
    encoding: 'utf8',
    timeout: 180_000,
  });

/** Starts the secure broker unless it already runs; returns whether this call started it (then stop it after). */
export function startSecureBroker(): boolean {
  if (script('secure-status').status === 0) return false;
  const r = script('secure-start');
  if (r.status !== 0) throw new Error(`could not start the secure-mode broker:\n${r.stderr}`);
  return true;
}

export function stopSecureBroker(): void {
  script('secure-stop');
}

export const tlsFile = (name: string) => path.join(SECURE.tlsDir, name);
