// Renderers are pure functions of the model: checked on a stored model (test/fixtures/report/weekly-2026-W48.json,
// a small seeded week) plus hostile text, without a store.
import fs from 'node:fs';
import test from 'ava';
import { SECTIONS, type WeeklyReport } from '../../queries/report/model.ts';
import { renderHtml } from '../../queries/report/render-html.ts';
import { CSV_COLUMNS, renderCsv } from '../../queries/report/render-csv.ts';
import { renderMarkdown } from '../../queries/report/render-md.ts';
import { renderJson } from '../../queries/report/render-json.ts';
import { parseFormats } from '../../queries/report/write.ts';

const fixture = (): WeeklyReport =>
  JSON.parse(fs.readFileSync(new URL('../fixtures/report/weekly-2026-W48.json', import.meta.url), 'utf8'));

const HOSTILE = `<script>alert("x")</script><img src=https://evil.example/x.png>,"quoted",|pipe|`;
const hostile = (): WeeklyReport => {
  const r = fixture();
  r.accountsBeforeListing[0].account = HOSTILE;
  r.listedIps[0].codes = [...r.listedIps[0].codes, 'a,b'];
  return r;
};

/** RFC 4180 reader, enough for the round trip (quoted fields, doubled quotes, commas and newlines inside). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

test('HTML is self-contained: no scripts, no external URLs, no stylesheets or images to fetch', (t) => {
  const html = renderHtml(fixture());
  t.notRegex(html, /<script/i);
  t.notRegex(html, /<link\b/i);
  t.notRegex(html, /<img\b/i);
  t.notRegex(html, /<iframe|<object|<embed/i);
  t.notRegex(html, /\bsrc\s*=/i);
  const hrefs = [...html.matchAll(/\bhref\s*=\s*"([^"]*)"/gi)].map((m) => m[1]);
  t.true(hrefs.length > 0 && hrefs.every((h) => h.startsWith('#')), `only in-page links: ${hrefs.join(' ')}`);
  t.notRegex(html, /url\(/i);
  t.notRegex(html, /@import/i);
  t.notRegex(html, /https?:\/\//i, 'no http(s) address anywhere, not even as text');
  t.true(html.startsWith('<!doctype html>'));
  t.regex(html, /<style>[^<]*\.cards/);
});

test('HTML escapes text from the data (accounts, codes)', (t) => {
  const html = renderHtml(hostile());
  t.notRegex(html, /<script/i);
  t.notRegex(html, /<img\b/i);
  t.true(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=https://evil.example/x.png&gt;'));
});

test('HTML has every section, the charts and the week', (t) => {
  const r = fixture();
  const html = renderHtml(r);
  for (const s of SECTIONS) t.true(html.includes(`id="${s.id}"`), `section ${s.id}`);
  t.is((html.match(/<svg /g) ?? []).length, 3, 'daily bars, fleet spread, listing timeline');
  t.true(html.includes('Weekly deliverability report 2026-W48'));
  t.true(html.includes('Mon 23 Nov – Sun 29 Nov 2026'));
  for (const l of r.listedIps) t.true(html.includes(l.sending_ip));
  for (const a of r.accountsBeforeListing) t.true(html.includes(a.account));
});

test('HTML says so when a week has no listings', (t) => {
  const r = fixture();
  r.listedIps = [];
  r.newListings = [];
  r.endedListings = [];
  r.accountsBeforeListing = [];
  r.blocklistByProvider = [];
  const html = renderHtml(r);
  t.true(html.includes('No block-listed IPs this week.'));
  t.true(html.includes('No new listings this week.'));
  t.true(html.includes('No listing ended this week.'));
});

test('CSV: one file per section, header row, values parse back', (t) => {
  const r = hostile();
  const files = renderCsv(r);
  t.deepEqual(
    files.map((f) => f.section),
    SECTIONS.map((s) => s.id),
  );
  t.deepEqual(files.map((f) => f.fileName).slice(0, 2), [
    'report-2026-W48-totals.csv',
    'report-2026-W48-blocklist-by-provider.csv',
  ]);
  const byId = Object.fromEntries(files.map((f) => [f.section, parseCsv(f.content)]));
  for (const f of files) t.deepEqual(byId[f.section][0], CSV_COLUMNS[f.section], `${f.section} header`);

  const totals = byId.totals;
  t.is(totals.length, r.totals.length + 1);
  t.deepEqual(
    totals.slice(1).map((row) => [row[0], Number(row[2]), Number(row[3])]),
    r.totals.map((x) => [x.metric, x.this_week, x.previous_week]),
  );

  const listed = byId['listed-ips'];
  t.is(listed.length, r.listedIps.length + 1);
  const col = (name: string) => CSV_COLUMNS['listed-ips'].indexOf(name);
  r.listedIps.forEach((l, i) => {
    const row = listed[i + 1];
    t.is(row[col('sending_ip')], l.sending_ip);
    t.is(row[col('first_seen')], l.first_seen);
    t.is(Number(row[col('rejections_week')]), l.rejections_week);
    t.is(row[col('still_active')], String(l.still_active));
    t.is(row[col('codes')], l.codes.join(','));
  });
  t.is(byId['accounts-before-listing'][1][0], HOSTILE, 'commas, quotes and markup survive quoting');
  t.is(Number(byId['accounts-before-listing'][1][1]), r.accountsBeforeListing[0].events);
});

test('CSV of an empty section still has its header', (t) => {
  const r = fixture();
  r.endedListings = [];
  const ended = renderCsv(r).find((f) => f.section === 'ended-listings')!;
  t.deepEqual(parseCsv(ended.content), [CSV_COLUMNS['ended-listings']]);
});

test('JSON round-trips to the same model', (t) => {
  const r = hostile();
  t.deepEqual(JSON.parse(renderJson(r)), r);
});

test('Markdown has the summary and a table per section, pipes escaped', (t) => {
  const r = hostile();
  const md = renderMarkdown(r);
  t.true(md.startsWith('# Weekly deliverability report 2026-W48\n'));
  for (const s of SECTIONS) t.true(md.includes(`## ${s.title}`), s.title);
  t.true(md.includes('| metric | this week | week before | change |\n|---|---|---|---|'));
  t.true(
    md.includes(
      '| IP | prefix | provider | first seen | last seen | rejections (week) | rejections (episode) | codes | status |',
    ),
  );
  t.true(md.includes('| account | bounces | listings preceded | IPs |'));
  t.true(md.includes('\\|pipe\\|'), 'a pipe inside a cell cannot break the table');
  const bounces = r.totals.find((x) => x.metric === 'bounces')!;
  t.true(md.includes(`**${bounces.this_week.toLocaleString('en-US')}** bounces`));
  // every table row has as many cells as its header
  for (const block of md.split('\n\n').filter((b) => b.startsWith('| '))) {
    const lines = block.trim().split('\n');
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const l of lines) t.is(cells(l), cells(lines[0]), l);
  }
});

test('--format parsing', (t) => {
  t.deepEqual(parseFormats('html,csv, md ,json'), ['html', 'csv', 'md', 'json']);
  t.deepEqual(parseFormats('md,md'), ['md']);
  t.throws(() => parseFormats('pdf'), {
    message: /--format takes a comma-separated list of html, csv, md, json; got "pdf"/,
  });
  t.throws(() => parseFormats(''), { message: /--format/ });
});
