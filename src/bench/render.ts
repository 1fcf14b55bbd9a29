import type { BenchReport, Scenario, ScenarioResult } from './types.js';

// Pure renderers of a bench report: terminal table, Markdown for a PR comment, self-contained HTML.

const LABEL: Record<Scenario, string> = { cold: 'cold', noop: 'no-op', edit: 'one-file edit', deps: 'dependency change' };

function fmt(s: number): string {
  return s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

function cell(r: ScenarioResult | undefined): string {
  if (!r) return '-';
  if (r.error) return 'FAILED';
  return r.seconds.length > 1 ? `${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)})` : fmt(r.median);
}

/** One table row per variant, and per target platform when the bench built several. */
interface Row {
  variant: string;
  platform: string | undefined;
  label: string;
}

function rowsOf(report: BenchReport): Row[] {
  return report.variants.flatMap((variant) =>
    (report.platforms ?? [undefined]).map((platform) => ({ variant, platform, label: platform ? `${variant} ${platform}` : variant })),
  );
}

function find(report: BenchReport, row: Pick<Row, 'variant' | 'platform'>, scenario: Scenario): ScenarioResult | undefined {
  return report.results.find((r) => r.variant === row.variant && r.platform === row.platform && r.scenario === scenario);
}

/** Against the first variant on the same platform. */
function speedup(report: BenchReport, row: Row, scenario: Scenario): string {
  const base = find(report, { variant: report.variants[0]!, platform: row.platform }, scenario);
  const mine = find(report, row, scenario);
  if (!base || !mine || base.error || mine.error || row.variant === report.variants[0] || mine.median === 0) return '';
  return `${(base.median / mine.median).toFixed(1)}×`;
}

function nativeRatio(report: BenchReport, row: Row): string {
  const native = report.native?.edit;
  const mine = find(report, row, 'edit');
  if (!native || !mine || mine.error || native.median === 0) return '';
  return `${(mine.median / native.median).toFixed(1)}×`;
}

interface Table {
  header: string[];
  rows: string[][];
}

function table(report: BenchReport): Table {
  const header = ['variant', ...report.scenarios.flatMap((s) => [LABEL[s], 'speedup']), 'edit vs native'];
  const rows = rowsOf(report).map((row) => [
    row.label,
    ...report.scenarios.flatMap((s) => [cell(find(report, row, s)), speedup(report, row, s)]),
    nativeRatio(report, row),
  ]);
  const native = report.native;
  if (native) {
    rows.push([
      `native go build (${native.image})`,
      ...report.scenarios.flatMap((s) => {
        const n = s === 'deps' ? undefined : native[s];
        return [n ? fmt(n.median) : '-', ''];
      }),
      '1.0×',
    ]);
  }
  return { header, rows };
}

/** The slowest steps of the one-file edit, and with platforms of the cold build too: where an emulated `go build` shows. */
function dominantSteps(report: BenchReport): string[] {
  const lines: string[] = [];
  const scenarios: Scenario[] = report.platforms ? ['cold', 'edit'] : ['edit'];
  for (const row of rowsOf(report)) {
    for (const scenario of scenarios) {
      const result = find(report, row, scenario);
      if (!result || result.error || result.steps.length === 0) continue;
      const top = result.steps.slice(0, 3).map((s) => `${s.name} ${fmt(s.seconds)}`);
      const compiled = result.packages[0]?.length;
      lines.push(
        `${row.label}, ${LABEL[scenario]}: ${top.join('; ')}${compiled !== undefined ? ` (go build -v compiled ${compiled} package${compiled === 1 ? '' : 's'})` : ''}`,
      );
    }
  }
  return lines;
}

function engineLine(report: BenchReport): string {
  const e = report.engine;
  const platforms = report.platforms ? `; built on ${report.buildPlatform ?? 'unknown'} for ${report.platforms.join(', ')}, one build per platform` : '';
  return `engine ${e.engine}, buildx ${e.buildx}, BuildKit ${e.buildkit}, driver ${e.driver}, ${e.cpus} CPUs${platforms}; median of ${report.runs} run${report.runs === 1 ? '' : 's'} (min–max)`;
}

export function renderTable(report: BenchReport): string {
  const { header, rows } = table(report);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [`warmbuild bench: ${report.project}`, engineLine(report), '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const steps = dominantSteps(report);
  if (steps.length > 0) out.push('', 'Slowest steps:', ...steps.map((s) => `  ${s}`));
  for (const s of report.skipped) out.push(`skipped ${LABEL[s.scenario]}: ${s.reason}`);
  for (const r of report.results.filter((x) => x.error))
    out.push('', `${r.platform ? `${r.variant} ${r.platform}` : r.variant} failed in ${LABEL[r.scenario]}:`, r.error!);
  return `${out.join('\n')}\n`;
}

export function renderMarkdown(report: BenchReport): string {
  const { header, rows } = table(report);
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const out = [
    `### warmbuild bench: \`${report.project}\``,
    '',
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
    `<sub>${engineLine(report)}</sub>`,
  ];
  const steps = dominantSteps(report);
  if (steps.length > 0) out.push('', ...steps.map((s) => `- ${s}`));
  for (const s of report.skipped) out.push(`- skipped ${LABEL[s.scenario]}: ${s.reason}`);
  return `${out.join('\n')}\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const PALETTE = ['#d9534f', '#2e8b57', '#1f77b4', '#9467bd', '#8c564b'];

/** One grouped bar chart per scenario, inline SVG, no external assets. */
export function renderHtml(report: BenchReport): string {
  const chartRows = rowsOf(report);
  const series = [
    ...chartRows.map((row, i) => ({ name: row.label, row, color: PALETTE[i % PALETTE.length]! })),
    ...(report.native ? [{ name: 'native', row: undefined, color: '#777' }] : []),
  ];
  const value = (row: Row | undefined, s: Scenario): number | undefined => {
    if (!row) return s === 'deps' ? undefined : report.native?.[s]?.median;
    const r = find(report, row, s);
    return r && !r.error ? r.median : undefined;
  };
  const max = Math.max(0.001, ...report.scenarios.flatMap((s) => series.map((x) => value(x.row, s) ?? 0)));
  const barH = 22;
  const labelW = 150;
  const chartW = 520;
  const groups = report.scenarios.map((s, gi) => {
    const top = gi * (series.length * barH + 40);
    const bars = series.map((x, i) => {
      const v = value(x.row, s);
      const y = top + 24 + i * barH;
      const w = v === undefined ? 0 : Math.max(1, (v / max) * chartW);
      const text = v === undefined ? 'n/a' : fmt(v);
      return `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 6}" fill="${x.color}"><title>${escapeHtml(x.name)}: ${text}</title></rect><text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${escapeHtml(x.name)}</text><text x="${labelW + w + 6}" y="${y + 12}">${text}</text>`;
    });
    return `<text x="0" y="${top + 14}" font-weight="bold">${LABEL[s]}</text>${bars.join('')}`;
  });
  const height = report.scenarios.length * (series.length * barH + 40);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + chartW + 90}" height="${height}" font-family="sans-serif" font-size="12">${groups.join('')}</svg>`;
  const { header, rows } = table(report);
  const htmlTable = `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const notes = [...dominantSteps(report), ...report.skipped.map((s) => `skipped ${LABEL[s.scenario]}: ${s.reason}`)]
    .map((s) => `<li>${escapeHtml(s)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>warmbuild bench: ${escapeHtml(report.project)}</title>
<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head>
<body><h1>warmbuild bench</h1><p>${escapeHtml(report.project)}<br><small>${escapeHtml(engineLine(report))}</small></p>
${svg}
${htmlTable}
<ul>${notes}</ul>
</body></html>
`;
}
