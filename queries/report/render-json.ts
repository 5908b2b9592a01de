// JSON for scripts: the model as is (stable key order, ISO 8601 UTC times). JSON.parse gives the model back.
import type { WeeklyReport } from './model.ts';

export function renderJson(report: WeeklyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
