// Writes a built report in the requested formats: report-<week>.{html,md,json} and report-<week>-<section>.csv.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import type { WeeklyReport } from './model.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { renderJson } from './render-json.ts';
import { renderMarkdown } from './render-md.ts';

export const REPORT_FORMATS = ['html', 'csv', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseFormats(text: string): ReportFormat[] {
  const wanted = text
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const bad = wanted.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length > 0 || wanted.length === 0) {
    throw new ConfigError(`--format takes a comma-separated list of ${REPORT_FORMATS.join(', ')}; got "${text}"`);
  }
  return [...new Set(wanted)] as ReportFormat[];
}

/** Renders and writes; returns the written file paths in a stable order. */
export function writeReport(report: WeeklyReport, outDir: string, formats: ReportFormat[]): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `report-${report.week.label}`);
  const written: string[] = [];
  const put = (file: string, content: string) => {
    fs.writeFileSync(file, content);
    written.push(file);
  };
  for (const f of REPORT_FORMATS.filter((x) => formats.includes(x))) {
    if (f === 'html') put(`${base}.html`, renderHtml(report));
    if (f === 'md') put(`${base}.md`, renderMarkdown(report));
    if (f === 'json') put(`${base}.json`, renderJson(report));
    if (f === 'csv') for (const c of renderCsv(report)) put(path.join(outDir, c.fileName), c.content);
  }
  return written;
}
