/**
 * Benchmark results as one SVG figure (hand-written SVG, no dependency,
 * no script or external font: it renders in GitHub's README).
 *
 *   node dist/tools/bench/plot.js --out FILE.svg [--title T] RESULT...
 *
 * Each RESULT is `LABEL=path` or `path`, of either
 * - a `run.js --json-out` document (`{ ..., results: [...] }`): every result
 *   is plotted under LABEL (default: the file's name);
 * - a JSONL file of the shared harness (compare.sh / versus.sh
 *   results.jsonl, load.mjs output): each line carries its own `label`
 *   (ours/ref/elasticmq), plotted as `LABEL/label` when LABEL is given.
 * Several results for one label and scenario (rounds, or several files
 * under one LABEL) are plotted as their median with a thin min–max whisker.
 *
 * Two panels: throughput (msgs/s, else req/s) per scenario, bars grouped by
 * label; latency p99 per scenario (request p99, and e2e p99 where present,
 * lighter), bars grouped by label. Values are printed on the bars.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

/** One scenario's figures from one result line. */
export interface Row {
  label: string;
  scenario: string;
  throughput?: number;
  p99?: number;
  e2eP99?: number;
}

/** Median and range of one figure over its rounds. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The figures of one result object (ours: latency_ms; the shared harness: lat_ms). */
export function rowOf(label: string, result: Record<string, unknown>): Row | undefined {
  if (typeof result.scenario !== 'string') return undefined;
  const lat = (result.latency_ms ?? result.lat_ms) as Record<string, unknown> | undefined;
  const e2e = result.e2e_ms as Record<string, unknown> | undefined;
  return {
    label,
    scenario: result.scenario,
    throughput: finite(result.msgs_per_s) ?? finite(result.req_per_s),
    p99: finite(lat?.p99),
    e2eP99: finite(e2e?.p99),
  };
}

/** Splits `LABEL=path` (a LABEL has no `/`); a bare path has no label. */
export function parseResultArg(arg: string): { label?: string; file: string } {
  const eq = arg.indexOf('=');
  if (eq > 0 && !arg.slice(0, eq).includes('/')) return { label: arg.slice(0, eq), file: arg.slice(eq + 1) };
  return { file: arg };
}

/** The rows of one RESULT argument's file contents. */
export function rowsOf(text: string, file: string, label?: string): Row[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = undefined; // JSONL
  }
  const rows: Row[] = [];
  if (document && typeof document === 'object' && Array.isArray((document as { results?: unknown }).results)) {
    const name = label ?? path.basename(file).replace(/\.[^.]*$/, '');
    for (const r of (document as { results: Record<string, unknown>[] }).results) {
      const row = r && typeof r === 'object' ? rowOf(name, r) : undefined;
      if (row) rows.push(row);
    }
    return rows;
  }
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: neither a --json-out document nor JSON lines`);
    }
    const own = typeof r.label === 'string' ? r.label : undefined;
    const row = rowOf(label && own ? `${label}/${own}` : (label ?? own ?? path.basename(file)), r);
    if (row) rows.push(row);
  }
  return rows;
}

export function stat(values: number[]): Stat | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

type Metric = 'throughput' | 'p99' | 'e2eP99';

/** label → scenario → metric → Stat, plus the labels and scenarios in order of appearance. */
export function aggregate(rows: Row[]): { labels: string[]; scenarios: string[]; get: (label: string, scenario: string, metric: Metric) => Stat | undefined } {
  const labels: string[] = [];
  const scenarios: string[] = [];
  const values = new Map<string, number[]>();
  for (const row of rows) {
    if (!labels.includes(row.label)) labels.push(row.label);
    if (!scenarios.includes(row.scenario)) scenarios.push(row.scenario);
    for (const metric of ['throughput', 'p99', 'e2eP99'] as const) {
      const v = row[metric];
      if (v === undefined) continue;
      const key = JSON.stringify([row.label, row.scenario, metric]);
      values.set(key, [...(values.get(key) ?? []), v]);
    }
  }
  return { labels, scenarios, get: (label, scenario, metric) => stat(values.get(JSON.stringify([label, scenario, metric])) ?? []) };
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Compact value for a bar: 12.3k, 842, 31.5, 4.27. */
export function formatValue(v: number): string {
  if (v >= 100_000) return `${Math.round(v / 1000)}k`;
  if (v >= 10_000) return `${(v / 1000).toFixed(1)}k`;
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A round axis maximum ≥ v (1, 2, 2.5, 5 × 10^k). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const scale = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * scale >= v) return m * scale;
  return 10 * scale;
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

interface Series {
  label: string;
  metric: Metric;
  color: string;
  light: boolean;
}

/** One panel: grouped bars per scenario, y axis, legend; returns SVG elements and the panel's height. */
function panel(
  top: number,
  width: number,
  title: string,
  yLabel: string,
  scenarios: string[],
  series: Series[],
  get: (label: string, scenario: string, metric: Metric) => Stat | undefined,
  legend: string[],
): string[] {
  const height = 260;
  const left = 70;
  const plotTop = top + 44;
  const plotH = height - 44 - 46;
  const plotW = width - left - 20;
  const out: string[] = [];
  out.push(`<text x="${left}" y="${top + 16}" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(...legend.map((l) => l.replace(/__Y__/g, String(top + 30))));
  let max = 0;
  for (const s of scenarios) for (const se of series) max = Math.max(max, get(se.label, s, se.metric)?.max ?? 0);
  const groupW = plotW / Math.max(1, scenarios.length);
  const barW = Math.min(34, (groupW * 0.8) / Math.max(1, series.length));
  // Narrow bars get their values written upwards, which needs more headroom.
  const vertical = barW < 28;
  const yMax = niceMax(max * (vertical ? 1.2 : 1.08));
  const y = (v: number) => plotTop + plotH - (v / yMax) * plotH;
  // Grid and y ticks.
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    out.push(`<line x1="${left}" y1="${n(y(v))}" x2="${left + plotW}" y2="${n(y(v))}" stroke="#e0e0e0" stroke-width="1"/>`);
    out.push(`<text x="${left - 6}" y="${n(y(v) + 4)}" font-size="10" text-anchor="end">${v === 0 ? '0' : escapeXml(formatValue(v))}</text>`);
  }
  out.push(`<line x1="${left}" y1="${plotTop}" x2="${left}" y2="${plotTop + plotH}" stroke="#333" stroke-width="1"/>`);
  out.push(`<line x1="${left}" y1="${plotTop + plotH}" x2="${left + plotW}" y2="${plotTop + plotH}" stroke="#333" stroke-width="1"/>`);
  out.push(
    `<text x="16" y="${n(plotTop + plotH / 2)}" font-size="11" text-anchor="middle" transform="rotate(-90 16 ${n(plotTop + plotH / 2)})">${escapeXml(yLabel)}</text>`,
  );
  for (const [g, scenario] of scenarios.entries()) {
    const x0 = left + g * groupW + (groupW - barW * series.length) / 2;
    out.push(`<text x="${n(left + g * groupW + groupW / 2)}" y="${plotTop + plotH + 16}" font-size="11" text-anchor="middle">${escapeXml(scenario)}</text>`);
    for (const [b, se] of series.entries()) {
      const st = get(se.label, scenario, se.metric);
      if (!st) continue;
      const x = x0 + b * barW;
      const attrs =
        `data-label="${escapeXml(se.label)}" data-scenario="${escapeXml(scenario)}" data-metric="${se.metric}" ` +
        `data-value="${st.median}" data-min="${st.min}" data-max="${st.max}" data-n="${st.n}"`;
      out.push(
        `<rect class="bar" x="${n(x + 1)}" y="${n(y(st.median))}" width="${n(barW - 2)}" height="${n(plotTop + plotH - y(st.median))}" ` +
          `fill="${se.color}"${se.light ? ` fill-opacity="0.45" stroke="${se.color}" stroke-width="1"` : ''} ${attrs}>` +
          `<title>${escapeXml(`${se.label} ${scenario}: ${formatValue(st.median)}${st.n > 1 ? ` (median of ${st.n}, ${formatValue(st.min)}–${formatValue(st.max)})` : ''}`)}</title></rect>`,
      );
      const cx = x + barW / 2;
      if (st.n > 1 && st.max > st.min) {
        out.push(
          `<path class="whisker" d="M${n(cx)} ${n(y(st.min))}V${n(y(st.max))}M${n(cx - 3)} ${n(y(st.min))}H${n(cx + 3)}M${n(cx - 3)} ${n(y(st.max))}H${n(cx + 3)}" stroke="#222" stroke-width="0.8" fill="none"/>`,
        );
      }
      const labelY = Math.min(y(st.median), st.n > 1 ? y(st.max) : Infinity) - 3;
      out.push(
        vertical
          ? `<text x="${n(cx + 3)}" y="${n(labelY)}" font-size="9" transform="rotate(-90 ${n(cx + 3)} ${n(labelY)})">${escapeXml(formatValue(st.median))}</text>`
          : `<text x="${n(cx)}" y="${n(labelY)}" font-size="9" text-anchor="middle">${escapeXml(formatValue(st.median))}</text>`,
      );
    }
  }
  return out;
}

/** The whole figure. */
export function renderSvg(rows: Row[], title = 'zaqar-ts benchmark'): string {
  const { labels, scenarios, get } = aggregate(rows);
  const color = (label: string) => PALETTE[labels.indexOf(label) % PALETTE.length];
  const throughputScenarios = scenarios.filter((s) => labels.some((l) => get(l, s, 'throughput')));
  const latencyScenarios = scenarios.filter((s) => labels.some((l) => get(l, s, 'p99') || get(l, s, 'e2eP99')));
  const hasE2e = latencyScenarios.some((s) => labels.some((l) => get(l, s, 'e2eP99')));
  const throughputSeries: Series[] = labels.map((label) => ({ label, metric: 'throughput', color: color(label), light: false }));
  const latencySeries: Series[] = labels.flatMap((label) => [
    { label, metric: 'p99' as const, color: color(label), light: false },
    ...(hasE2e ? [{ label, metric: 'e2eP99' as const, color: color(label), light: true }] : []),
  ]);
  const widthFor = (groups: number, bars: number) => 90 + groups * Math.max(84, bars * 22 + 20);
  const width = Math.max(640, widthFor(throughputScenarios.length, throughputSeries.length), widthFor(latencyScenarios.length, latencySeries.length));
  const rounds = rows.length > new Set(rows.map((r) => `${r.label}\u0000${r.scenario}`)).size;
  const legend: string[] = [];
  let lx = 70;
  for (const label of labels) {
    legend.push(`<rect x="${lx}" y="__Y__" width="10" height="10" fill="${color(label)}" transform="translate(0 -9)"/>`);
    legend.push(`<text x="${lx + 14}" y="__Y__" font-size="11">${escapeXml(label)}</text>`);
    lx += 24 + label.length * 7;
  }
  const latencyLegend = [...legend];
  if (hasE2e) {
    latencyLegend.push(`<rect x="${lx}" y="__Y__" width="10" height="10" fill="#888" transform="translate(0 -9)"/>`);
    latencyLegend.push(`<text x="${lx + 14}" y="__Y__" font-size="11">request p99</text>`);
    lx += 100;
    latencyLegend.push(`<rect x="${lx}" y="__Y__" width="10" height="10" fill="#888" fill-opacity="0.45" stroke="#888" transform="translate(0 -9)"/>`);
    latencyLegend.push(`<text x="${lx + 14}" y="__Y__" font-size="11">e2e p99 (post → delivery)</text>`);
  }
  const note = rounds ? 'bars: median over rounds; whiskers: min–max' : 'one round per bar';
  const body = [
    `<text x="${width / 2}" y="22" font-size="16" font-weight="bold" text-anchor="middle">${escapeXml(title)}</text>`,
    `<text x="${width / 2}" y="38" font-size="10" text-anchor="middle" fill="#555">${escapeXml(note)}</text>`,
    ...panel(46, width, 'Throughput (higher is better)', 'msgs/s (req/s where no msgs/s)', throughputScenarios, throughputSeries, get, legend),
    ...panel(46 + 270, width, 'Latency p99 (lower is better)', 'ms', latencyScenarios, latencySeries, get, latencyLegend),
  ];
  const height = 46 + 270 + 260 + 10;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width)}" height="${height}" viewBox="0 0 ${Math.round(width)} ${height}" ` +
    `font-family="Helvetica, Arial, sans-serif" fill="#222">\n` +
    `<rect x="0" y="0" width="${Math.round(width)}" height="${height}" fill="#ffffff"/>\n` +
    body.join('\n') +
    `\n</svg>\n`
  );
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, title: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help || !values.out || positionals.length === 0) {
    process.stderr.write('usage: plot.js --out FILE.svg [--title TITLE] [LABEL=]RESULT...\n  RESULT: a run.js --json-out file, or a results.jsonl of the shared harness (labels per line)\n');
    process.exit(values.help ? 0 : 2);
  }
  const rows: Row[] = [];
  for (const arg of positionals) {
    const { label, file } = parseResultArg(arg);
    rows.push(...rowsOf(readFileSync(file, 'utf8'), file, label));
  }
  if (rows.length === 0) throw new Error('no scenario results in the files given');
  writeFileSync(values.out, renderSvg(rows, values.title));
  const { labels, scenarios } = aggregate(rows);
  process.stderr.write(`wrote ${values.out}: ${labels.length} labels (${labels.join(', ')}), ${scenarios.length} scenarios, ${rows.length} results\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`plot: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
