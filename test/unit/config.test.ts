import test from 'ava';
import { loadConfig } from '../../cli/config.ts';
import { ConfigError } from '../../transform/errors.ts';

test('defaults: embedded store, no brokers, standard topics', (t) => {
  const c = loadConfig({});
  t.deepEqual(c.kafka.brokers, []);
  t.is(c.kafka.topic, 'bounces.raw');
  t.is(c.kafka.dlqTopic, 'bounces.dlq');
  t.is(c.store.url, null);
  t.true(Object.isFrozen(c.store));
});

test('flags override env', (t) => {
  const c = loadConfig({ KAFKA_BROKERS: 'a:1', KAFKA_TOPIC: 'x' }, { brokers: '127.0.0.1:9092,b:2' });
  t.deepEqual(c.kafka.brokers, ['127.0.0.1:9092', 'b:2']);
  t.is(c.kafka.topic, 'x');
});

test('every problem is reported at once, by variable name', (t) => {
  const err = t.throws(() => loadConfig({ KAFKA_BROKERS: 'nohost', CLICKHOUSE_URL: 'ftp://x', BOUNCE_BATCH_ROWS: '-3' }), { instanceOf: ConfigError });
  t.regex(err!.message, /KAFKA_BROKERS/);
  t.regex(err!.message, /CLICKHOUSE_URL/);
  t.regex(err!.message, /BOUNCE_BATCH_ROWS/);
});

test('retention is capped below the end of ClickHouse DateTime', (t) => {
  t.is(loadConfig({ BOUNCE_RETENTION_DAYS: '29000' }).store.retentionDays, 29000);
  const err = t.throws(() => loadConfig({ BOUNCE_RETENTION_DAYS: '36500' }), { instanceOf: ConfigError });
  t.regex(err!.message, /BOUNCE_RETENTION_DAYS=36500 is not a whole number from 1 to 29000/);
});

test('the clock-skew allowance: a day by default, minutes, checked', (t) => {
  t.is(loadConfig({}).parse.clockSkewMinutes, 1440);
  t.is(loadConfig({ BOUNCE_CLOCK_SKEW_MINUTES: '0' }).parse.clockSkewMinutes, 0);
  t.throws(() => loadConfig({ BOUNCE_CLOCK_SKEW_MINUTES: '-5' }), { instanceOf: ConfigError, message: /BOUNCE_CLOCK_SKEW_MINUTES=-5/ });
});
