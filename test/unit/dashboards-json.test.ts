// Dashboard JSON and provisioning files are well-formed for what they declare: Grafana dashboard schema (v36+:
// datasource references are {type, uid} objects), unique panel ids, a 24-column grid, targets with rawSql against the
// provisioned datasource uid, template variables that exist wherever a query uses them.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'dashboards');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- dashboard JSON: a wrong path fails the test
type Json = any;
// The ClickHouse dashboards; pipeline-health.json reads Prometheus (test/unit/dashboard-pipeline-health.test.ts).
const PROMETHEUS_DASHBOARDS = new Set(['pipeline-health.json']);
const dashboards: [string, Json][] = files
  .filter((f) => !PROMETHEUS_DASHBOARDS.has(f))
  .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))]);
const datasourceFile = YAML.parse(fs.readFileSync(path.join(dir, 'provisioning/datasources/clickhouse.yaml'), 'utf8'));
const ds = datasourceFile.datasources[0];
const PANEL_TYPES = new Set([
  'timeseries',
  'table',
  'stat',
  'gauge',
  'heatmap',
  'barchart',
  'bargauge',
  'piechart',
  'text',
]);
// What may follow `$__` in a query: the plugin's and the SDK's macros, the plugin's frontend macro, Grafana's built-ins.
const KNOWN_MACROS = new Set([
  'fromTime',
  'toTime',
  'fromTime_ms',
  'toTime_ms',
  'timeFilter',
  'timeFilter_ms',
  'dateFilter',
  'dateTimeFilter',
  'dt',
  'timeInterval',
  'timeInterval_ms',
  'interval_s',
  'timeFrom',
  'timeTo',
  'conditionalAll',
  'interval',
  'interval_ms',
  'from',
  'to',
  'range',
  'range_s',
  'range_ms',
  'all',
]);

test('the dashboards the brief asks for exist', (t) => {
  t.deepEqual(files, ['block-list-incidents.json', 'deliverability-overview.json', 'pipeline-health.json']);
  t.deepEqual(dashboards.map(([, d]) => d.title).sort(), ['Block-list incidents', 'Deliverability overview']);
});

test('datasource provisioning: the ClickHouse plugin, read-only user, password from the environment', (t) => {
  t.is(datasourceFile.apiVersion, 1);
  t.is(ds.type, 'grafana-clickhouse-datasource');
  t.truthy(ds.uid);
  for (const key of ['host', 'port', 'protocol', 'username', 'defaultDatabase'])
    t.truthy(ds.jsonData[key], `jsonData.${key}`);
  t.true(['native', 'http'].includes(ds.jsonData.protocol));
  t.is(ds.jsonData.defaultDatabase, 'bounces');
  t.regex(ds.secureJsonData.password, /^\$[A-Z_]+$/);
  const provider = YAML.parse(fs.readFileSync(path.join(dir, 'provisioning/dashboards/bounce-pipeline.yaml'), 'utf8'));
  t.is(provider.apiVersion, 1);
  t.is(provider.providers[0].type, 'file');
  t.truthy(provider.providers[0].options.path);
});

for (const [file, d] of dashboards) {
  const sqls: string[] = [];

  test(`${file}: dashboard fields`, (t) => {
    for (const key of ['uid', 'title', 'schemaVersion', 'version', 'time', 'panels', 'templating', 'annotations'])
      t.true(key in d, `missing ${key}`);
    t.true(Number.isInteger(d.schemaVersion) && d.schemaVersion >= 36, 'schemaVersion >= 36 (object datasource refs)');
    t.regex(d.uid, /^[A-Za-z0-9_-]{1,40}$/);
    t.truthy(d.time.from);
    t.truthy(d.time.to);
    t.true(Array.isArray(d.templating.list));
    t.true(Array.isArray(d.annotations.list));
    t.true(d.panels.length > 0);
  });

  test(`${file}: panels have unique ids, fit the 24-column grid without overlap, and query the provisioned datasource`, (t) => {
    const ids = d.panels.map((p: Json) => p.id);
    t.is(new Set(ids).size, ids.length, 'panel ids must be unique');
    const cells = new Set<string>();
    for (const p of d.panels) {
      const where = `${file} panel ${p.id} "${p.title}"`;
      t.true(Number.isInteger(p.id) && p.id > 0, `${where}: id`);
      t.truthy(p.title, `${where}: title`);
      t.true(PANEL_TYPES.has(p.type), `${where}: type ${p.type}`);
      const { x, y, w, h } = p.gridPos ?? {};
      t.true([x, y, w, h].every(Number.isInteger), `${where}: gridPos x,y,w,h must be integers`);
      t.true(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, `${where}: gridPos out of the 24-column grid`);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          t.false(cells.has(`${i},${j}`), `${where} overlaps another panel at ${i},${j}`);
          cells.add(`${i},${j}`);
        }
      }
      t.deepEqual(p.datasource, { type: ds.type, uid: ds.uid }, `${where}: datasource ref`);
      t.true(p.targets.length > 0, `${where}: no targets`);
      const refIds = p.targets.map((x: Json) => x.refId);
      t.is(new Set(refIds).size, refIds.length, `${where}: refIds must be unique`);
      for (const target of p.targets) {
        t.deepEqual(target.datasource, { type: ds.type, uid: ds.uid }, `${where}: target datasource ref`);
        t.is(target.editorType, 'sql');
        t.is(typeof target.rawSql, 'string');
        t.true(target.rawSql.trim().length > 0, `${where}: empty rawSql`);
        t.true([0, 1].includes(target.format), `${where}: format must be 0 (time series) or 1 (table)`);
        if (['timeseries', 'heatmap'].includes(p.type))
          t.is(target.format, 0, `${where}: time series panels need format 0`);
        if (['table', 'stat', 'gauge'].includes(p.type))
          t.is(target.format, 1, `${where}: ${p.type} panels read a table (format 1)`);
        sqls.push(target.rawSql);
      }
    }
  });

  test(`${file}: template variables are ClickHouse query variables, and every variable a query uses exists`, (t) => {
    const names = d.templating.list.map((v: Json) => v.name);
    t.deepEqual(names, ['provider', 'prefix']);
    for (const v of d.templating.list) {
      t.is(v.type, 'query');
      t.deepEqual(v.datasource, { type: ds.type, uid: ds.uid });
      t.truthy(v.query?.rawSql, `${v.name}: query.rawSql`);
      t.is(v.definition, v.query.rawSql);
      t.is(typeof v.multi, 'boolean');
      t.is(typeof v.includeAll, 'boolean');
      sqls.push(v.query.rawSql);
    }
    const annotations = d.annotations.list.filter((a: Json) => !a.builtIn);
    t.is(d.annotations.list.filter((a: Json) => a.builtIn).length, 1, 'keep the built-in annotation entry');
    for (const a of annotations) {
      t.deepEqual(a.datasource, { type: ds.type, uid: ds.uid });
      t.truthy(a.target?.rawSql, `${a.name}: target.rawSql`);
      sqls.push(a.target.rawSql);
    }
    for (const sql of sqls) {
      for (const m of sql.matchAll(/\$\{?(\w+)/g)) {
        const name = m[1];
        if (name.startsWith('__')) t.true(KNOWN_MACROS.has(name.slice(2)), `unknown macro $${name}`);
        else t.true(names.includes(name), `query uses $${name}, which is not a template variable`);
      }
    }
  });
}

test('the alert rule points at the provisioned datasource and an existing dashboard panel', (t) => {
  const alerting = YAML.parse(fs.readFileSync(path.join(dir, 'provisioning/alerting/blocklist-alerts.yaml'), 'utf8'));
  const rule = alerting.groups[0].rules[0];
  t.is(rule.data[0].datasourceUid, ds.uid);
  t.deepEqual(rule.data[0].model.datasource, { type: ds.type, uid: ds.uid });
  t.is(rule.data[0].model.format, 1, 'numeric alert data comes from a table response');
  const target = dashboards.find(([, d]) => d.uid === rule.dashboardUid)?.[1];
  t.truthy(target, `no dashboard with uid ${rule.dashboardUid}`);
  t.true(target.panels.some((p: Json) => p.id === rule.panelId));
  for (const q of rule.data.slice(1)) t.is(q.datasourceUid, '__expr__');
});
