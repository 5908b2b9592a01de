// Container healthchecks for the images built from this repository (no curl/wget in node:*-slim).
//   node docker/healthcheck/check.mjs clickhouse   the store answers /ping (the migrate job)
//   node docker/healthcheck/check.mjs consumer     the store answers and the Kafka consumer group has members
// Exit 0 = healthy, 1 = not (the reason goes to stderr, which `docker inspect` shows).
import { Kafka, logLevel } from 'kafkajs';

const mode = process.argv[2];
const fail = (why) => {
  process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(1);
};

async function clickhouse() {
  const url = process.env.CLICKHOUSE_URL;
  if (!url) fail('CLICKHOUSE_URL is not set');
  const res = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(3000) }).catch((e) =>
    fail(`ClickHouse ${url}: ${e.message}`),
  );
  if (!res.ok) fail(`ClickHouse ${url}/ping answered ${res.status}`);
}

async function consumerGroup() {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  const group = process.env.KAFKA_GROUP ?? 'bounce-pipeline';
  if (brokers.length === 0) fail('KAFKA_BROKERS is not set');
  const admin = new Kafka({
    clientId: 'healthcheck',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
  }).admin();
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups([group]);
    const members = groups[0]?.members.length ?? 0;
    if (members === 0) fail(`consumer group ${group} has no members (state ${groups[0]?.state ?? 'unknown'})`);
  } catch (e) {
    fail(`Kafka ${brokers.join(',')}: ${e.message}`);
  } finally {
    await admin.disconnect().catch(() => undefined); // already failing or done; nothing left to report
  }
}

if (mode === 'clickhouse') await clickhouse();
else if (mode === 'consumer') {
  await clickhouse();
  await consumerGroup();
} else fail(`unknown mode "${mode}" (use clickhouse or consumer)`);
process.exit(0);
