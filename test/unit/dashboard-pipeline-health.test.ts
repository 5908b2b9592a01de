// The "Pipeline health" dashboard reads Prometheus: its JSON has the shape of the others (ids, grid, datasource
// refs), every PromQL expression passes `promtool check rules`, and every metric it names is one the pipeline
// exposes (a real registry from ingest/metrics.ts, or Prometheus' own `up`).
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { createMetrics } from '../../ingest/metrics.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- dashboard JSON: a wrong path fails the test
type Json = any;
const d: Json = JSON.parse(fs.readFileSync(path.join(root, 'dashboards/pipeline-health.json'), 'utf8'));
const ds = YAML.parse(fs.readFileSync(path.join(root, 'dashboards/provisioning/datasources/prometheus.yaml'), 'utf8'))
  .datasources[0];
const exprs: { where: string; expr: string }[] = d.panels.flatMap((p: Json) =>
  p.targets.map((x: Json) => ({ where: `panel ${p.id} "${p.title}" ${x.refId}`, expr: x.expr })),
);

test('datasource provisioning: Prometheus at the compose service', (t) => {
  t.is(ds.type, 'prometheus');
  t.is(ds.uid, 'bounce-prometheus');
  t.is(ds.url, 'http://prometheus:9090');
});

test('dashboard fields, unique ids, a 24-column grid without overlap, the Prometheus datasource everywhere', (t) => {
  t.is(d.uid, 'bounce-pipeline-health');
  t.is(d.title, 'Pipeline health');
  t.true(d.schemaVersion >= 36);
  const ids = d.panels.map((p: Json) => p.id);
  t.is(new Set(ids).size, ids.length);
  const cells = new Set<string>();
  for (const p of d.panels) {
    const { x, y, w, h } = p.gridPos;
    t.true(
      [x, y, w, h].every(Number.isInteger) && x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24,
      `panel ${p.id} grid`,
    );
    for (let i = x; i < x + w; i++)
      for (let j = y; j < y + h; j++) {
        t.false(cells.has(`${i},${j}`), `panel ${p.id} overlaps at ${i},${j}`);
        cells.add(`${i},${j}`);
      }
    t.deepEqual(p.datasource, { type: 'prometheus', uid: ds.uid });
    t.true(['timeseries', 'stat'].includes(p.type));
    for (const target of p.targets) {
      t.deepEqual(target.datasource, { type: 'prometheus', uid: ds.uid });
      t.true(typeof target.expr === 'string' && target.expr.length > 0);
    }
  }
  const titles = d.panels.map((p: Json) => p.title).join(' | ');
  for (const topic of [/lag/i, /throughput|read per second/i, /dead/i])
    t.regex(titles, topic, 'the brief: lag, throughput, DLQ rate');
});

test('every expression is valid PromQL (promtool check rules)', (t) => {
  const promtool = spawnSync('sh', ['-c', 'command -v promtool']).stdout.toString().trim();
  if (!promtool) throw new Error('promtool not found: apt-get install -y prometheus');
  const rules = {
    groups: [
      {
        name: 'dashboard',
        rules: exprs.map((e, i) => ({
          record: `dashboard:expr_${i}`,
          expr: e.expr.replaceAll('$__rate_interval', '5m'),
        })),
      },
    ],
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-promql-')), 'rules.yml');
  fs.writeFileSync(file, YAML.stringify(rules));
  const out = execFileSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
  t.regex(out, new RegExp(`SUCCESS: ${exprs.length} rules found`));
});

test('every metric the dashboard names is exposed by the pipeline', async (t) => {
  const exposed = new Set<string>(['up']);
  for (const line of (await createMetrics('consume').registry.metrics()).split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!m) continue;
    exposed.add(m[1]);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exposed.add(m[1] + s);
  }
  for (const { where, expr } of exprs) {
    const bare = expr.replace(/\b(?:by|without)\s*\([^)]*\)/g, ' ').replace(/\{[^}]*\}/g, '{}');
    const names = [...bare.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*(?=\{|\[|\))/g)]
      .map((m) => m[1])
      .filter((n) => !['sum', 'rate', 'by', 'histogram_quantile', 'clamp_min', 'le'].includes(n));
    t.true(names.length > 0, `${where}: no metric found in ${expr}`);
    for (const n of names) t.true(exposed.has(n), `${where}: ${n} is not a metric the pipeline exposes`);
  }
});
