// Warms a freshly started broker before the tests: one produce and one group consume make the broker create and
// load __consumer_offsets. On a cold broker the first test's producer could time out and retry a send while that
// happened, writing its records twice. Best effort: a failure here is printed, and the tests run anyway.
import { Kafka, logLevel } from 'kafkajs';

const broker = process.argv[2] ?? '127.0.0.1:9092';
const kafka = new Kafka({ clientId: 'bounce-pipeline-warm', brokers: [broker], logLevel: logLevel.NOTHING });
const topic = `warm-up-${Date.now().toString(36)}`;
const admin = kafka.admin();
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: `${topic}-g`, maxWaitTimeInMs: 200 });
const deadline = setTimeout(() => {
  console.error('kafka: warm-up did not finish in 60 s; running the tests anyway');
  process.exit(0);
}, 60_000);
try {
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ value: 'warm' }] });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    consumer.run({ eachMessage: async () => resolve() }).catch(reject);
  });
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  console.log('kafka: broker warmed up (group coordinator loaded)');
} catch (err) {
  console.error(`kafka: warm-up failed (${err.message}); running the tests anyway`);
} finally {
  await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  clearTimeout(deadline);
}
