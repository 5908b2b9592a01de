// Does a Kafka broker answer a metadata request on host:port? Exit 0 = yes, 1 = no.
// Used by kafka-local.sh (wait until the broker is ready) and scripts/test.js.
import { Kafka, logLevel } from 'kafkajs';

const broker = process.argv[2] ?? '127.0.0.1:9092';
const kafka = new Kafka({
  clientId: 'bounce-pipeline-check',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
});
const admin = kafka.admin();
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  await admin.listTopics();
  console.log(`kafka: broker ${broker} answers (cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s))`);
  process.exitCode = 0;
} catch (err) {
  if (process.env.KAFKA_CHECK_VERBOSE) console.error(`kafka: ${broker} does not answer: ${err.message}`);
  process.exitCode = 1;
} finally {
  // A failed disconnect after a failed connect says nothing new; the exit code already does.
  await admin.disconnect().catch((err) => {
    if (process.env.KAFKA_CHECK_VERBOSE) console.error(err.message);
  });
}
