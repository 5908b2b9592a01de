import test from 'ava';
import { loadConfig } from '../../cli/config.ts';
import { ConfigError } from '../../shared/errors.ts';

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
  const err = t.throws(
    () => loadConfig({ KAFKA_BROKERS: 'nohost', CLICKHOUSE_URL: 'ftp://x', BOUNCE_BATCH_ROWS: '-3' }),
    { instanceOf: ConfigError },
  );
  t.regex(err.message, /KAFKA_BROKERS/);
  t.regex(err.message, /CLICKHOUSE_URL/);
  t.regex(err.message, /BOUNCE_BATCH_ROWS/);
});

test('retention is capped below the end of ClickHouse DateTime', (t) => {
  t.is(loadConfig({ BOUNCE_RETENTION_DAYS: '29000' }).store.retentionDays, 29000);
  const err = t.throws(() => loadConfig({ BOUNCE_RETENTION_DAYS: '36500' }), { instanceOf: ConfigError });
  t.regex(err.message, /BOUNCE_RETENTION_DAYS=36500 is not a whole number from 1 to 29000/);
});

test('the clock-skew allowance: a day by default, minutes, checked', (t) => {
  t.is(loadConfig({}).parse.clockSkewMinutes, 1440);
  t.is(loadConfig({ BOUNCE_CLOCK_SKEW_MINUTES: '0' }).parse.clockSkewMinutes, 0);
  t.throws(() => loadConfig({ BOUNCE_CLOCK_SKEW_MINUTES: '-5' }), {
    instanceOf: ConfigError,
    message: /BOUNCE_CLOCK_SKEW_MINUTES=-5/,
  });
});

test('Kafka security: SASL and TLS settings are validated at start, every problem by name', (t) => {
  t.is(loadConfig({}).kafka.sasl, null);
  t.is(loadConfig({}).kafka.tls, null);
  t.deepEqual(
    loadConfig({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).kafka
      .sasl,
    { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
  );
  t.deepEqual(
    loadConfig({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'p' }, { saslUsername: 'flag-user' }).kafka.sasl
      ?.username,
    'flag-user',
  );
  const err = t.throws(
    () =>
      loadConfig({
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem',
        KAFKA_TLS_CERT_FILE: '/nonexistent/c.pem',
      }),
    { instanceOf: ConfigError },
  );
  t.regex(err.message, /KAFKA_SASL_MECHANISM=scram-sha-256 needs KAFKA_SASL_USERNAME/);
  t.regex(err.message, /needs KAFKA_SASL_PASSWORD \(environment only, never a flag\)/);
  t.regex(err.message, /KAFKA_TLS_CA_FILE=\/nonexistent\/ca\.pem cannot be read: ENOENT/);
  t.regex(err.message, /KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together/);
  t.regex(
    t.throws(() => loadConfig({ KAFKA_SASL_MECHANISM: 'gssapi' })).message,
    /KAFKA_SASL_MECHANISM=gssapi is not one of plain, scram-sha-256, scram-sha-512/,
  );
  t.regex(t.throws(() => loadConfig({ KAFKA_SASL_USERNAME: 'u' })).message, /KAFKA_SASL_MECHANISM is not/);
  t.regex(
    t.throws(() => loadConfig({ KAFKA_TLS_CA_FILE: new URL(import.meta.url).pathname })).message,
    /is not a PEM file/,
  );
  t.deepEqual(
    loadConfig({ KAFKA_TLS: '1' }).kafka.tls,
    { ca: null, cert: null, key: null, servername: null, caFile: null },
    'TLS with the system CAs',
  );
});

test('metrics: off by default, a port from env or flag, 0 = any free port', (t) => {
  t.deepEqual(loadConfig({}).metrics, { port: null, host: '127.0.0.1' });
  t.is(loadConfig({ BOUNCE_METRICS_PORT: '9464', BOUNCE_METRICS_HOST: '0.0.0.0' }).metrics.port, 9464);
  t.is(loadConfig({}, { metricsPort: '0' }).metrics.port, 0);
  t.regex(
    t.throws(() => loadConfig({ BOUNCE_METRICS_PORT: '70000' })).message,
    /BOUNCE_METRICS_PORT=70000 is not a whole number from 0 to 65535/,
  );
});
