#!/usr/bin/env node
// `npm test`: runs the ava suite. Tests that need Kafka read KAFKA_BROKERS. When it is unset and nothing answers on
// 127.0.0.1:9092, this starts the local broker (scripts/kafka-local.sh), runs ava, and stops the broker again.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOCAL = '127.0.0.1:9092';
const env = { ...process.env };

const answers = (broker) =>
  spawnSync(process.execPath, [path.join(root, 'scripts/kafka/check.mjs'), broker], { stdio: 'ignore' }).status === 0;
const kafkaLocal = (cmd) =>
  spawnSync('bash', [path.join(root, 'scripts/kafka-local.sh'), cmd], { stdio: 'inherit', env });

// The CLI the tests spawn runs from the compiled bundle (bin/build.mjs); build it once here rather than in the first
// few test processes at once.
spawnSync(process.execPath, [path.join(root, 'bin/build.mjs')], { stdio: 'inherit', env });

let startedBroker = false;
if (!env.KAFKA_BROKERS) {
  if (!answers(LOCAL)) {
    const r = kafkaLocal('start');
    if (r.status !== 0) {
      console.error(
        'test: could not start the local Kafka broker (see above); Kafka tests will fail. Run `npm run kafka -- start` to see why.',
      );
    } else {
      startedBroker = true;
      spawnSync(process.execPath, [path.join(root, 'scripts/kafka/warm.mjs'), LOCAL], { stdio: 'inherit', env });
    }
  }
  env.KAFKA_BROKERS = LOCAL;
}

/** Runs ava, passing its output through, and returns its exit status and its closing counts. */
function runAva(args) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['ava', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: root });
    let tail = '';
    let ticks = 0;
    let crosses = 0;
    const keep = (chunk) => {
      const text = chunk.toString();
      ticks += (text.match(/^\s*✔/gm) ?? []).length;
      crosses += (text.match(/^\s*✘/gm) ?? []).length;
      tail = (tail + text).slice(-4000);
    };
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      keep(c);
    });
    child.stderr.on('data', (c) => {
      process.stderr.write(c);
      keep(c);
    });
    child.on('close', (code) => {
      const count = (word) =>
        Number(
          tail.match(
            new RegExp(`^\\s*(\\d+) (?:tests?|known failures?|uncaught exceptions?) ${word}\\s*$`, 'm'),
          )?.[1] ?? 0,
        );
      // ava's summary names only the non-zero counts; the per-test marks give the rest.
      resolve({
        status: code ?? 1,
        passed: Math.max(count('passed'), ticks),
        failed: Math.max(count('failed'), crosses),
        skipped: count('skipped'),
      });
    });
  });
}

let result;
try {
  result = await runAva(process.argv.slice(2));
} finally {
  if (startedBroker) kafkaLocal('stop');
}
// One plain closing line that any CI reads the same way.
console.log(`test: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
process.exit(result.status);
