// docker-compose.yml is checked here, not run (no Docker engine on these machines): it parses, everything it mounts
// or builds exists, every service is health-checked, no secret is committed, ClickHouse's default user stays
// inside its container, and only Grafana (3000) and Kafka's external listener (9094) are published.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  ports?: (string | number | { published?: string | number; target?: number })[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = YAML.parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = Object.entries(compose.services);
const env = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((kv) => kv.split(/=(.*)/s).slice(0, 2)))
    : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
const volumeSource = (v: NonNullable<Service['volumes']>[number]) =>
  typeof v === 'string' ? v.split(':')[0] : (v.source ?? '');
const usersXml = read('docker/clickhouse/users.d/bounce-users.xml');
const envExample = read('.env.example');
const exampleVars = new Map(
  envExample
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
);

test('docker-compose.yml parses and names the expected services', (t) => {
  t.deepEqual(Object.keys(compose.services).sort(), [
    'cli',
    'clickhouse',
    'consumer',
    'grafana',
    'kafka',
    'kafka-users',
    'migrate',
    'prometheus',
  ]);
});

test('producers from outside log in with SCRAM; the password comes from .env through the kafka-users job', (t) => {
  const e = env(compose.services.kafka);
  t.regex(e.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP, /(^|,)EXTERNAL:SASL_PLAINTEXT(,|$)/);
  t.regex(
    e.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP,
    /(^|,)INTERNAL:PLAINTEXT(,|$)/,
    'the consumer inside the network keeps the internal listener',
  );
  t.is(e.KAFKA_SASL_ENABLED_MECHANISMS, 'SCRAM-SHA-512');
  t.regex(e.KAFKA_LISTENER_NAME_EXTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG, /ScramLoginModule required;$/);
  const users = compose.services['kafka-users'] as Service & { command: string[] };
  t.is(
    env(users).KAFKA_PRODUCER_PASSWORD,
    '${KAFKA_PRODUCER_PASSWORD:?set KAFKA_PRODUCER_PASSWORD in .env (see .env.example)}',
  );
  t.regex(
    users.command.join(' '),
    /--entity-name producer --add-config "SCRAM-SHA-512=\[iterations=8192,password=\$\$\{KAFKA_PRODUCER_PASSWORD\}\]"/,
    '$$ leaves the variable to the container shell: the password is not written into the compose model',
  );
  t.is((users.depends_on as Record<string, { condition: string }>).kafka?.condition, 'service_healthy');
});

test('Prometheus scrapes the consumer on the port the consumer serves; promtool accepts the config', (t) => {
  const consumer = env(compose.services.consumer);
  t.is(consumer.BOUNCE_METRICS_HOST, '0.0.0.0');
  const config = YAML.parse(read('docker/prometheus/prometheus.yml'));
  const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'bounce-consumer');
  t.deepEqual(job.dns_sd_configs[0].names, ['consumer']);
  t.is(String(job.dns_sd_configs[0].port), consumer.BOUNCE_METRICS_PORT);
  const prom = compose.services.prometheus;
  t.true(
    (prom.volumes ?? []).some(
      (v) => typeof v === 'string' && v.startsWith('./docker/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml'),
    ),
  );
  t.true((prom.command as string[]).includes('--config.file=/etc/prometheus/prometheus.yml'));
  const promtool = execFileSync('sh', ['-c', 'command -v promtool || true'], { encoding: 'utf8' }).trim();
  if (!promtool) throw new Error('promtool not found: apt-get install -y prometheus');
  t.regex(
    execFileSync(promtool, ['check', 'config', path.join(root, 'docker/prometheus/prometheus.yml')], {
      encoding: 'utf8',
    }),
    /SUCCESS/,
  );
  const grafana = YAML.parse(read('dashboards/provisioning/datasources/prometheus.yaml')).datasources[0];
  t.is(grafana.url, 'http://prometheus:9090');
});

test('the cli tool service: read-only user, not started by `up`, reports land in ./reports', (t) => {
  const cli = compose.services.cli as Service & { profiles?: string[]; command?: string[] };
  t.deepEqual(cli.profiles, ['tools'], '`docker compose up` must not start it');
  t.is(env(cli).CLICKHOUSE_USER, 'bounce_reader');
  t.is(env(cli).CLICKHOUSE_URL, 'http://clickhouse:8123');
  t.deepEqual(cli.command, ['--help']);
  t.true((cli.volumes ?? []).some((v) => volumeSource(v) === './reports'));
  t.is((cli.depends_on as Record<string, { condition: string }>).migrate?.condition, 'service_completed_successfully');
  const reader = /<bounce_reader>([\s\S]*?)<\/bounce_reader>/.exec(usersXml)?.[1] ?? '';
  t.deepEqual(
    [...reader.matchAll(/<query>([^<]+)<\/query>/g)].map((m) => m[1]),
    ['GRANT SELECT ON bounces.*'],
  );
  t.regex(reader, /<profile>bounce_reader_readonly<\/profile>/);
  const profile = /<bounce_reader_readonly>([\s\S]*?)<\/bounce_reader_readonly>/.exec(usersXml)?.[1] ?? '';
  t.regex(
    profile,
    /<readonly>2<\/readonly>/,
    'readonly=2: reads and query settings, no writes (the sql command sets readonly=2 itself)',
  );
});

test('every service has a healthcheck with a test command', (t) => {
  for (const [name, s] of services) {
    t.truthy(s.healthcheck, `${name} has no healthcheck`);
    t.not(s.healthcheck?.disable, true, `${name} disables its healthcheck`);
    const cmd = s.healthcheck?.test;
    t.true(
      Array.isArray(cmd) ? cmd.length > 1 && cmd[0] !== 'NONE' : typeof cmd === 'string' && cmd.length > 0,
      `${name}: empty healthcheck test`,
    );
  }
});

test('every file or folder the compose file mounts or builds exists', (t) => {
  for (const [name, s] of services) {
    for (const v of s.volumes ?? []) {
      const src = volumeSource(v);
      if (src.startsWith('.') || src.startsWith('/')) {
        t.true(fs.existsSync(path.resolve(root, src)), `${name} mounts ${src}, which does not exist`);
      } else {
        t.truthy(compose.volumes && src in compose.volumes, `${name} uses volume ${src}, not declared under volumes:`);
      }
    }
    if (s.build !== undefined) {
      const ctx = typeof s.build === 'string' ? s.build : (s.build.context ?? '.');
      const dockerfile = typeof s.build === 'string' ? 'Dockerfile' : (s.build.dockerfile ?? 'Dockerfile');
      t.true(
        fs.existsSync(path.resolve(root, ctx, dockerfile)),
        `${name} builds ${ctx}/${dockerfile}, which does not exist`,
      );
    }
  }
});

test('the Dockerfile copies only what exists and runs the CLI on node 20', (t) => {
  const dockerfile = read('Dockerfile');
  t.regex(dockerfile, /^FROM node:20[\w.-]*$/m);
  for (const m of dockerfile.matchAll(/^COPY\s+(?!--)(.+)\s+\S+$/gm)) {
    for (const src of m[1].trim().split(/\s+/))
      t.true(fs.existsSync(path.join(root, src)), `Dockerfile copies ${src}, which does not exist`);
  }
  t.regex(dockerfile, /npm ci --omit=dev/);
  t.regex(dockerfile, /ENTRYPOINT \["node", "bin\/bounce-pipeline\.js"\]/);
  t.regex(dockerfile, /CMD \["consume"\]/);
  // the healthcheck script runs inside the image
  for (const [name, s] of services.filter(([, s]) => s.build)) {
    const cmd = JSON.stringify(s.healthcheck?.test ?? '');
    const script = /docker\/healthcheck\/[\w.-]+/.exec(cmd)?.[0];
    if (script) {
      t.true(fs.existsSync(path.join(root, script)), `${name}: ${script} does not exist`);
      t.regex(dockerfile, /COPY docker\/healthcheck/, 'the healthcheck script must be copied into the image');
    }
  }
});

test('the dependency tree: migrations run once before the consumer', (t) => {
  const { migrate, consumer } = compose.services;
  t.deepEqual(migrate.command, ['migrate']);
  t.is(migrate.restart, 'no');
  t.deepEqual(consumer.command, ['consume']);
  const deps = consumer.depends_on as Record<string, { condition: string }>;
  t.is(deps.migrate?.condition, 'service_completed_successfully');
  t.is(deps.kafka?.condition, 'service_healthy');
  t.is(deps.clickhouse?.condition, 'service_healthy');
  t.is((migrate.depends_on as Record<string, { condition: string }>).clickhouse?.condition, 'service_healthy');
  t.is(
    (compose.services.grafana.depends_on as Record<string, { condition: string }>).migrate?.condition,
    'service_completed_successfully',
  );
});

test('no secret is committed: passwords are ${VAR} references, .env.example has placeholders, .env is not tracked', (t) => {
  for (const [name, s] of services) {
    for (const [key, value] of Object.entries(env(s))) {
      if (/PASSWORD|SECRET|TOKEN/.test(key)) {
        t.regex(
          value,
          /^\$\{[A-Z_][A-Z0-9_]*(:?[-?][^}]*)?\}$/,
          `${name}.${key} must be a \${VAR} reference, not a literal`,
        );
      }
    }
  }
  const secrets = [...exampleVars].filter(([k]) => /PASSWORD|SECRET|TOKEN/.test(k));
  t.true(secrets.length >= 4);
  for (const [k, v] of secrets) t.regex(v, /^change-me/, `.env.example ${k} must be a change-me placeholder`);
  // the datasource password comes from the environment, and no password sits in the XML
  t.regex(read('dashboards/provisioning/datasources/clickhouse.yaml'), /password: \$CLICKHOUSE_GRAFANA_PASSWORD\s*$/m);
  t.notRegex(usersXml, /<password>[^<]+<\/password>|password_sha256_hex>[^<]/);
  const tracked = execFileSync('git', ['ls-files', '--', '.env'], { cwd: root, encoding: 'utf8' }).trim();
  t.is(tracked, '', '.env must not be committed');
  t.regex(read('.dockerignore'), /^\.env$/m, '.env must stay out of the image');
});

test('every variable the compose file needs is in .env.example', (t) => {
  const text = read('docker-compose.yml');
  const required = new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1]));
  const all = new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
  t.true(required.size >= 4);
  for (const v of all) t.true(exampleVars.has(v), `${v} is used by docker-compose.yml but missing from .env.example`);
});

/** Tags open and close in order (enough to catch a broken users.d / config.d file before ClickHouse does). */
function xmlBalanced(text: string): string | null {
  const stack: string[] = [];
  const body = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  for (const m of body.matchAll(/<(\/?)([\w.-]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return `</${name}> does not close the open tag`;
  }
  return stack.length === 0 ? null : `unclosed <${stack.at(-1)}>`;
}

test('the ClickHouse config files are well-formed', (t) => {
  for (const dir of ['docker/clickhouse/users.d', 'docker/clickhouse/config.d']) {
    for (const f of fs.readdirSync(path.join(root, dir)).filter((x) => x.endsWith('.xml'))) {
      t.is(xmlBalanced(read(`${dir}/${f}`)), null, `${dir}/${f}`);
    }
  }
  t.not(xmlBalanced('<a><b></a></b>'), null, 'the checker itself notices a broken file');
});

test('ClickHouse: default user only from localhost, nothing published, our users from the environment', (t) => {
  const ch = compose.services.clickhouse;
  t.is(ch.ports, undefined, 'ClickHouse must not publish ports');
  const chEnv = env(ch);
  t.is(chEnv.CLICKHOUSE_SKIP_USER_SETUP, '1');
  t.false('CLICKHOUSE_USER' in chEnv || 'CLICKHOUSE_PASSWORD' in chEnv, 'the image would create a network-open user');
  const defaultUser = /<default>([\s\S]*?)<\/default>/.exec(usersXml)?.[1] ?? '';
  t.regex(defaultUser, /<networks replace="replace">/);
  const ips = [...defaultUser.matchAll(/<ip>([^<]+)<\/ip>/g)].map((m) => m[1]).sort();
  t.deepEqual(ips, ['127.0.0.1', '::1']);
  for (const user of ['bounce_admin', 'bounce_ingest', 'bounce_grafana', 'bounce_reader']) {
    const block = new RegExp(`<${user}>([\\s\\S]*?)</${user}>`).exec(usersXml)?.[1] ?? '';
    const from = /<password from_env="([A-Z_]+)"\/>/.exec(block)?.[1];
    t.truthy(from, `${user} needs <password from_env="..."/>`);
    t.truthy(from && from in chEnv, `${user}'s password variable ${from} is not passed to the clickhouse service`);
  }
  const ingest = /<bounce_ingest>([\s\S]*?)<\/bounce_ingest>/.exec(usersXml)?.[1] ?? '';
  const grants = [...ingest.matchAll(/<query>([^<]+)<\/query>/g)].map((m) => m[1]);
  t.true(grants.includes('GRANT INSERT ON bounces.*'));
  t.false(
    grants.some((g) => /\b(ALL|DROP|ALTER|TRUNCATE|DELETE|CREATE)\b/.test(g)),
    `ingest grants too much: ${grants.join('; ')}`,
  );
  const grafana = /<bounce_grafana>([\s\S]*?)<\/bounce_grafana>/.exec(usersXml)?.[1] ?? '';
  t.deepEqual(
    [...grafana.matchAll(/<query>([^<]+)<\/query>/g)].map((m) => m[1]),
    ['GRANT SELECT ON bounces.*'],
  );
  t.regex(grafana, /<profile>bounce_grafana_readonly<\/profile>/);
  t.regex(usersXml, /<readonly>1<\/readonly>/);
});

test('each service connects as its own user', (t) => {
  t.is(env(compose.services.migrate).CLICKHOUSE_USER, 'bounce_admin');
  t.is(env(compose.services.consumer).CLICKHOUSE_USER, 'bounce_ingest');
  t.regex(read('dashboards/provisioning/datasources/clickhouse.yaml'), /username: bounce_grafana/);
  t.is(env(compose.services.consumer).CLICKHOUSE_URL, 'http://clickhouse:8123');
  t.is(env(compose.services.consumer).KAFKA_BROKERS, 'kafka:9092');
});

test('ports: only Grafana 3000 and the Kafka external listener 9094 are published', (t) => {
  const published: string[] = [];
  for (const [name, s] of services) {
    for (const p of s.ports ?? []) {
      const host = typeof p === 'object' ? String(p.published) : String(p).split(':').slice(-2)[0];
      published.push(`${name}:${host}`);
    }
  }
  t.deepEqual(published.sort(), ['grafana:3000', 'kafka:9094']);
});

test('Kafka runs KRaft with one node and advertises the external listener on 9094', (t) => {
  const k = compose.services.kafka;
  t.regex(k.image ?? '', /^apache\/kafka:\d+\.\d+\.\d+$/);
  const e = env(k);
  t.is(e.KAFKA_PROCESS_ROLES, 'broker,controller');
  t.is(e.KAFKA_CONTROLLER_QUORUM_VOTERS, `${e.KAFKA_NODE_ID}@kafka:9093`);
  t.regex(e.KAFKA_ADVERTISED_LISTENERS, /EXTERNAL:\/\/\$\{KAFKA_EXTERNAL_HOST:-localhost\}:9094/);
  t.regex(e.KAFKA_ADVERTISED_LISTENERS, /INTERNAL:\/\/kafka:9092/);
  t.true((k.volumes ?? []).some((v) => volumeSource(v) === 'kafka-data'));
});

test('Kafka in compose is the version the tests run against (scripts/kafka/pom.xml)', (t) => {
  const pom = path.join(root, 'scripts/kafka/pom.xml');
  if (!fs.existsSync(pom)) return t.pass('no local broker pom to compare with');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(pom, 'utf8'))?.[1];
  t.is(
    compose.services.kafka.image,
    `apache/kafka:${version}`,
    'update the apache/kafka image tag to the version in scripts/kafka/pom.xml',
  );
});

test('Grafana: plugin preinstalled, provisioning and dashboards mounted, data on a named volume', (t) => {
  const g = compose.services.grafana;
  t.regex(g.image ?? '', /^grafana\/grafana:\d+\.\d+\.\d+$/);
  const e = env(g);
  t.regex(e.GF_PLUGINS_PREINSTALL_SYNC ?? e.GF_INSTALL_PLUGINS ?? '', /grafana-clickhouse-datasource/);
  t.is(e.GF_AUTH_ANONYMOUS_ENABLED, 'false');
  t.truthy(e.CLICKHOUSE_GRAFANA_PASSWORD);
  const mounts = (g.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
  t.true(mounts.some((m) => m.startsWith('./dashboards/provisioning:/etc/grafana/provisioning')));
  const provider = YAML.parse(read('dashboards/provisioning/dashboards/bounce-pipeline.yaml'));
  const dashPath = provider.providers[0].options.path as string;
  t.true(
    mounts.some((m) => m.startsWith(`./dashboards:${dashPath}`)),
    `dashboards must be mounted at ${dashPath}`,
  );
  t.true(mounts.some((m) => m.startsWith('grafana-data:')));
});

test('stateful services keep their data on named volumes', (t) => {
  for (const [name, target] of [
    ['kafka', '/var/lib/kafka/data'],
    ['clickhouse', '/var/lib/clickhouse'],
    ['grafana', '/var/lib/grafana'],
    ['prometheus', '/prometheus'],
  ]) {
    const v = (compose.services[name].volumes ?? []).find(
      (x) => (typeof x === 'string' ? x.split(':')[1] : x.target) === target,
    );
    t.truthy(v, `${name} must mount a volume at ${target}`);
    t.false(volumeSource(v!).startsWith('.'), `${name} data must be a named volume`);
  }
});

test('the container healthcheck script reports an unreachable store as unhealthy', (t) => {
  const script = path.join(root, 'docker/healthcheck/check.mjs');
  const runCheck = (mode: string, extra: Record<string, string>) => {
    try {
      execFileSync(process.execPath, [script, mode], {
        env: { PATH: process.env.PATH ?? '', ...extra },
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 20_000,
      });
      return { code: 0, stderr: '' };
    } catch (err) {
      const e = err as { status: number; stderr: string };
      return { code: e.status, stderr: e.stderr };
    }
  };
  const unset = runCheck('clickhouse', {});
  t.is(unset.code, 1);
  t.regex(unset.stderr, /CLICKHOUSE_URL is not set/);
  const closed = runCheck('clickhouse', { CLICKHOUSE_URL: 'http://127.0.0.1:9' });
  t.is(closed.code, 1);
  t.regex(closed.stderr, /^unhealthy: ClickHouse http:\/\/127\.0\.0\.1:9/);
  t.regex(runCheck('bogus', {}).stderr, /unknown mode/);
});
