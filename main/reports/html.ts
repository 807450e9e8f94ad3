import type { CallFilter } from '../../preload/api.js';
import { reportChart, type ChartOption } from '../../preload/report-charts.js';
import { REPORT_TITLES, reportTable } from '../../preload/report-tables.js';
import type { ReportRequest, ReportResult } from '../../preload/reports.js';

/**
 * A report as one self-contained, print-ready HTML page: no script, no external resource (the CSP
 * allows nothing but its own style element and inline SVG), the chart rendered to SVG by the same
 * ECharts option the window draws. The page size is left to the printer (A4 or Letter): margins fit
 * both, and charts and table rows never break across pages; table headers repeat on each page.
 */

const FILTER_WORDS: Record<keyof CallFilter, string> = {
  pbx: 'PBX',
  from: 'from',
  to: 'to',
  caller: 'caller',
  callee: 'callee',
  answered_by: 'answered by',
  caller_name: 'caller name contains',
  status: 'status',
  direction: 'direction',
  action_type: 'action',
  src_trunk: 'source trunk',
  dst_trunk: 'destination trunk',
  account_code: 'account code',
  min_talk: 'talk time at least (s)',
  max_talk: 'talk time at most (s)',
  min_call: 'call time at least (s)',
  max_call: 'call time at most (s)',
  has_recording: 'recorded',
  search: 'text',
  outcome: 'outcome',
  min_cost: 'cost at least',
  max_cost: 'cost at most',
  cost_status: 'cost',
};

/** The filter in words: `PBX office; from 2025-03-01; status NO ANSWER, BUSY`, or `all calls`. */
export function describeFilter(filter: CallFilter): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    const label = FILTER_WORDS[key as keyof CallFilter] ?? key;
    const shown = Array.isArray(value) ? value.join(', ') : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    parts.push(`${label} ${shown}`);
  }
  return parts.length === 0 ? 'all calls' : parts.join('; ');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The chart as an SVG string, rendered by ECharts without a DOM. */
async function chartSvg(option: ChartOption, title: string): Promise<string> {
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 900, height: 360 });
  try {
    chart.setOption({ ...option, animation: false, aria: { enabled: true, label: { description: title } } });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function tableHtml(report: ReportResult, caption: string): string {
  const table = reportTable(report);
  const cell = (value: unknown, numeric: boolean, tag: 'td' | 'th') =>
    `<${tag}${numeric ? ' class="num"' : ''}>${escape(typeof value === 'number' ? value.toLocaleString('en-US') : String(value ?? ''))}</${tag}>`;
  const head = table.columns.map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${escape(c.label)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${table.columns.map((c) => cell(row[c.key], c.numeric, 'td')).join('')}</tr>`).join('\n');
  const foot = table.totals ? `<tfoot><tr>${table.columns.map((c) => cell(table.totals?.[c.key], c.numeric, 'th')).join('')}</tr></tfoot>` : '';
  return `<table><caption>${escape(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody>${foot}</table>`;
}

export interface HtmlReportContext {
  request: ReportRequest;
  /** The PBXs the report covers (the filter's, or every profile). */
  pbxs: string[];
  /** When the report was made, ISO 8601. */
  generatedAt: string;
}

const STYLE = `
  @page { margin: 16mm 14mm; }
  @media print { body { margin: 0; } }
  body { font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; margin: 24px;
    font-variant-ligatures: none; }
  h1 { font-size: 16pt; margin: 0 0 4px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 16px; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  figure { margin: 0 0 16px; break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-width: 100%; height: auto; }
  table { border-collapse: collapse; width: 100%; font-size: 9pt; }
  caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
  th, td { border-bottom: 1px solid #d9dee4; padding: 3px 6px; text-align: left; vertical-align: top; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  tfoot th { border-top: 2px solid #1f2933; }
`;

/** The whole page. */
export async function reportHtml(report: ReportResult, context: HtmlReportContext): Promise<string> {
  const title = REPORT_TITLES[report.kind];
  const option = reportChart(report);
  const chart = option === null ? '' : `<figure>${await chartSvg(option, title)}</figure>`;
  const filter = context.request.filter;
  const period = filter.from || filter.to ? `${filter.from ?? 'the first call'} to ${filter.to ?? 'the last call'}` : 'all cached history';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escape(title)} - UCM CDR Viewer</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(title)}</h1>
<dl>
<dt>PBX</dt><dd>${escape(context.pbxs.join(', ') || 'none')}</dd>
<dt>Period</dt><dd>${escape(period)} (PBX wall clock)</dd>
<dt>Calls</dt><dd>${escape(describeFilter(filter))}</dd>
<dt>Made</dt><dd>${escape(context.generatedAt.slice(0, 16).replace('T', ' '))} UTC by UCM CDR Viewer</dd>
</dl>
${chart}
${tableHtml(report, title)}
</body>
</html>
`;
}
