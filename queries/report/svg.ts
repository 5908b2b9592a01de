// Small inline SVG charts for the HTML report, drawn by hand (no chart library, no external assets).
import { fmtInt } from './text.ts';

export const esc = (v: unknown) =>
  String(v)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

/** A round axis maximum and step for values up to max (4-5 grid lines). */
export function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return { top: Math.ceil(max / step) * step, step };
}

const short = (n: number) =>
  n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${+(n / 1e3).toFixed(0)}k` : fmtInt(n);

export interface Series {
  name: string;
  color: string;
  values: number[];
}

/** Vertical stacked bars, one group per label, with a y axis, grid lines and a legend. */
export function stackedBars(opts: {
  labels: string[];
  series: Series[];
  width?: number;
  height?: number;
  format?: (n: number) => string;
  title: string;
}): string {
  const { labels, series } = opts;
  const width = opts.width ?? 520;
  const height = opts.height ?? 240;
  const format = opts.format ?? short;
  const m = { l: 52, r: 10, t: 28, b: 30 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const { top, step } = niceScale(Math.max(0, ...totals));
  const y = (v: number) => m.t + h - (v / top) * h;
  const slot = w / Math.max(1, labels.length);
  const bw = Math.min(46, slot * 0.62);
  const parts: string[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    parts.push(
      `<line x1="${m.l}" x2="${width - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e8ee"/>`,
    );
    parts.push(
      `<text x="${m.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#6b7785">${esc(format(v))}</text>`,
    );
  }
  labels.forEach((label, i) => {
    const x = m.l + slot * i + (slot - bw) / 2;
    let acc = 0;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v > 0) {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(acc + v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(acc) - y(acc + v)).toFixed(1)}" fill="${s.color}"><title>${esc(`${label} · ${s.name}: ${fmtInt(v)}`)}</title></rect>`,
        );
      }
      acc += v;
    }
    parts.push(
      `<text x="${(x + bw / 2).toFixed(1)}" y="${height - m.b + 16}" text-anchor="middle" font-size="11" fill="#4a5561">${esc(label)}</text>`,
    );
  });
  parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${m.t + h}" y2="${m.t + h}" stroke="#9aa5b1"/>`);
  let lx = m.l;
  for (const s of series) {
    parts.push(
      `<rect x="${lx}" y="8" width="10" height="10" rx="2" fill="${s.color}"/><text x="${lx + 14}" y="17" font-size="11" fill="#4a5561">${esc(s.name)}</text>`,
    );
    lx += 24 + s.name.length * 6.2;
  }
  return svg(width, height, opts.title, parts);
}

/** Bars with a line on a second scale: e.g. listed IPs (bars) and share of the fleet (line). */
export function barsWithLine(opts: {
  labels: string[];
  bars: Series;
  line: Series & { format: (n: number) => string; max: number };
  width?: number;
  height?: number;
  title: string;
}): string {
  const width = opts.width ?? 520;
  const height = opts.height ?? 240;
  const m = { l: 44, r: 48, t: 28, b: 30 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const { top, step } = niceScale(Math.max(0, ...opts.bars.values));
  const lineTop = Math.max(opts.line.max, 1e-9);
  const y = (v: number) => m.t + h - (v / top) * h;
  const y2 = (v: number) => m.t + h - (v / lineTop) * h;
  const slot = w / Math.max(1, opts.labels.length);
  const bw = Math.min(46, slot * 0.62);
  const parts: string[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    parts.push(
      `<line x1="${m.l}" x2="${width - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e8ee"/>`,
    );
    parts.push(
      `<text x="${m.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#6b7785">${esc(short(v))}</text>`,
    );
  }
  for (const f of [0, 0.5, 1]) {
    parts.push(
      `<text x="${width - m.r + 6}" y="${(y2(lineTop * f) + 4).toFixed(1)}" font-size="11" fill="${opts.line.color}">${esc(opts.line.format(lineTop * f))}</text>`,
    );
  }
  const points: string[] = [];
  opts.labels.forEach((label, i) => {
    const x = m.l + slot * i + (slot - bw) / 2;
    const v = opts.bars.values[i] ?? 0;
    if (v > 0)
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" rx="2" fill="${opts.bars.color}"><title>${esc(`${label}: ${fmtInt(v)} ${opts.bars.name}`)}</title></rect>`,
      );
    parts.push(
      `<text x="${(x + bw / 2).toFixed(1)}" y="${height - m.b + 16}" text-anchor="middle" font-size="11" fill="#4a5561">${esc(label)}</text>`,
    );
    points.push(`${(x + bw / 2).toFixed(1)},${y2(opts.line.values[i] ?? 0).toFixed(1)}`);
  });
  parts.push(
    `<polyline points="${points.join(' ')}" fill="none" stroke="${opts.line.color}" stroke-width="2.5" stroke-linejoin="round"/>`,
  );
  for (const p of points) {
    const [cx, cy] = p.split(',');
    parts.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="#fff" stroke="${opts.line.color}" stroke-width="2"/>`);
  }
  parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${m.t + h}" y2="${m.t + h}" stroke="#9aa5b1"/>`);
  parts.push(
    `<rect x="${m.l}" y="8" width="10" height="10" rx="2" fill="${opts.bars.color}"/><text x="${m.l + 14}" y="17" font-size="11" fill="#4a5561">${esc(opts.bars.name)}</text>`,
  );
  const lx = m.l + 30 + opts.bars.name.length * 6.2;
  parts.push(
    `<line x1="${lx}" x2="${lx + 14}" y1="13" y2="13" stroke="${opts.line.color}" stroke-width="2.5"/><text x="${lx + 18}" y="17" font-size="11" fill="#4a5561">${esc(opts.line.name)}</text>`,
  );
  return svg(width, height, opts.title, parts);
}

export interface TimelineRow {
  label: string;
  sublabel: string;
  /** ms since epoch; clipped to the axis */
  from: number;
  to: number;
  color: string;
  /** open end: still going at the end of the axis */
  open: boolean;
  /** started inside the axis range */
  starts: boolean;
  /** ms: a faint tail from `to` up to here (the quiet gap after the last rejection, before the episode counts as ended) */
  fadeTo?: number;
  tooltip: string;
}

/** One horizontal bar per row across a time axis (the week), with day grid lines. */
export function timeline(opts: {
  rows: TimelineRow[];
  start: number;
  end: number;
  dayLabels: string[];
  width?: number;
  title: string;
}): string {
  const width = opts.width ?? 1040;
  const rowH = 15;
  const m = { l: 250, r: 16, t: 24, b: 8 };
  const height = m.t + m.b + opts.rows.length * rowH;
  const w = width - m.l - m.r;
  const x = (t: number) =>
    m.l + ((Math.min(Math.max(t, opts.start), opts.end) - opts.start) / (opts.end - opts.start)) * w;
  const parts: string[] = [];
  const days = opts.dayLabels.length;
  for (let d = 0; d <= days; d++) {
    const gx = m.l + (w * d) / days;
    parts.push(
      `<line x1="${gx.toFixed(1)}" x2="${gx.toFixed(1)}" y1="${m.t - 4}" y2="${height - m.b}" stroke="#e3e8ee"/>`,
    );
    if (d < days)
      parts.push(
        `<text x="${(gx + w / days / 2).toFixed(1)}" y="${m.t - 8}" text-anchor="middle" font-size="11" fill="#4a5561">${esc(opts.dayLabels[d])}</text>`,
      );
  }
  opts.rows.forEach((r, i) => {
    const cy = m.t + i * rowH;
    if (i % 2 === 0) parts.push(`<rect x="0" y="${cy}" width="${width}" height="${rowH}" fill="#f6f8fa"/>`);
    parts.push(`<text x="8" y="${cy + 11}" font-size="11" fill="#1f2933">${esc(r.label)}</text>`);
    parts.push(
      `<text x="${m.l - 8}" y="${cy + 11}" text-anchor="end" font-size="10" fill="#6b7785">${esc(r.sublabel)}</text>`,
    );
    const x1 = x(r.from);
    const x2 = Math.max(x(r.to), x1 + 2);
    if (r.fadeTo !== undefined && x(r.fadeTo) > x2) {
      parts.push(
        `<rect x="${x2.toFixed(1)}" y="${cy + 5}" width="${(x(r.fadeTo) - x2).toFixed(1)}" height="${rowH - 10}" rx="2" fill="${r.color}" opacity="0.22"/>`,
      );
    }
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${cy + 3}" width="${(x2 - x1).toFixed(1)}" height="${rowH - 6}" rx="3" fill="${r.color}" opacity="${r.open ? 1 : 0.75}"><title>${esc(r.tooltip)}</title></rect>`,
    );
    if (r.starts) parts.push(`<circle cx="${x1.toFixed(1)}" cy="${cy + rowH / 2}" r="3.2" fill="#1f2933"/>`);
    if (r.open)
      parts.push(`<path d="M${x2.toFixed(1)} ${cy + 2}l5 ${(rowH - 4) / 2}l-5 ${(rowH - 4) / 2}z" fill="${r.color}"/>`);
  });
  return svg(width, height, opts.title, parts);
}

function svg(width: number, height: number, title: string, parts: string[]): string {
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(title)}" ${FONT}><title>${esc(title)}</title>${parts.join('')}</svg>`;
}
