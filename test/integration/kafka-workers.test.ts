// Real broker + real embedded ClickHouse with the transform worker pool: the same store contents and accounting
// as in-thread, and a worker that dies mid-chunk loses nothing (its record goes to the DLQ as transform_crashed).
import test from 'ava';
import { testConfig } from '../../cli/config.ts';
import { startConsume } from '../../cli/consume-run.ts';
import { freshStore, type TestStore } from '../helpers/store.ts';
import {
  bounceSet,
  createTopic,
  deleteTopics,
  kafkaBrokers,
  NOT_A_BOUNCE,
  produce,
  randomName,
  readTopic,
  storeCounts,
} from '../helpers/kafka.ts';

const RETENTION_DAYS = 3650;
const CRASH = 'X-Test-Crash-Worker: yes';
let store: TestStore;
const topics: string[] = [];
test.before(async () => {
  store = await freshStore({ retentionDays: RETENTION_DAYS });
});
test.after.always(async () => {
  await store?.close();
  await deleteTopics(topics);
});

test.serial(
  'consume with 2 transform workers: exact counts, skips, and a worker crash mid-chunk dead-lettered, not lost',
  async (t) => {
    const config = testConfig({
      kafka: {
        brokers: kafkaBrokers(),
        topic: randomName('pool-raw'),
        dlqTopic: randomName('pool-dlq'),
        group: randomName('pool-g'),
        partitions: 2,
      },
      store: { dataDir: store.dataDir, retentionDays: RETENTION_DAYS },
      sink: { maxBatchRows: 16, flushIntervalMs: 200 },
      logEverySeconds: 1,
      transformWorkers: 2,
    });
    topics.push(config.kafka.topic, config.kafka.dlqTopic);
    await createTopic(config.kafka.topic, 2);
    const set = bounceSet(50, 'pool');
    const crasher = Buffer.concat([Buffer.from(`${CRASH}\r\n`), NOT_A_BOUNCE]);
    // The crasher sits in the middle of partition 0, among bounces that share its worker message.
    const values = [...set.messages.slice(0, 25), crasher, NOT_A_BOUNCE, ...set.messages.slice(25)];
    await produce(
      config.kafka.topic,
      values.map((value, i) => ({ value, partition: i === 25 ? 0 : i % 2 })),
    );

    const lines: string[] = [];
    const run = await startConsume(config, {
      store,
      idleExitMs: 1500,
      crashMarker: CRASH,
      log: (l) => lines.push(l),
      out: (l) => lines.push(l),
    });
    const tally = await run.done;

    t.is(tally.read, 52);
    t.is(tally.stored, 50);
    t.deepEqual(tally.deadLettered, { transform_crashed: 1 });
    t.deepEqual(tally.skipped, { not_a_bounce: 1 });
    t.true(lines.some((l) => /transform_workers=2/.test(l)));
    t.true(
      lines.some((l) => l.startsWith('transform_pool.worker_exited')),
      lines.join('\n'),
    );
    t.true(
      lines.some((l) => /^consume\.accounting read=52 stored=50 .*balanced=yes/.test(l)),
      lines.join('\n'),
    );

    const counts = await storeCounts(store.client, 'pool');
    t.is(counts.rawRows, 50);
    t.is(counts.uniqueIds, 50);
    t.deepEqual(counts.byCode, set.byCode);
    t.deepEqual(counts.byIp, set.byIp);

    const [dead] = await readTopic(config.kafka.dlqTopic, 1);
    t.true(dead.value!.equals(crasher), 'the DLQ record is the original bytes');
    t.is(dead.headers['dlq-reason'], 'transform_crashed');
    t.is(dead.headers['dlq-partition'], '0');
  },
);
