import { Writable } from 'node:stream';
import type { Alert, Severity } from '../../preload/alerts.js';
import type { CallFilter } from '../../preload/api.js';
import { formatMoney } from '../../preload/report-tables.js';
import type { CostsReport, MissedReport, ReportKind, ReportRequest, ReportResult, SummaryReport } from '../../preload/reports.js';
import { AppError } from '../errors.js';
import { exportCalls } from '../export/export.js';
import { reportHtml } from '../reports/html.js';
import type { Store } from '../store/types.js';
import type { MailMessage } from './smtp.js';

/**
 * The watch's two e-mails (docs/watch.md): the alerts of a round, and the daily report. Both are built
 * here and sent by main/mail/smtp.ts, so what a message says is tested without a server. Each has a
 * plain text part that stands on its own (many people read mail as text, and a phone's preview shows
 * only that) and an HTML part with no script and no external resource, which mail clients block.
 */

const APP = 'UCM CDR Viewer';
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
/** Sessions shown per alert: enough to find the calls, the app lists them all. */
const SESSIONS_SHOWN = 5;
/** Rows of the daily report's text part; the HTML part and the attachment have them all. */
const TEXT_ROWS = 10;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

/** `office`, `office, branch`, or `4 PBXs` when naming them would crowd a subject line. */
function pbxPhrase(names: readonly string[]): string {
  const unique = [...new Set(names)].sort();
  return unique.length <= 3 ? unique.join(', ') : `${unique.length} PBXs`;
}

function madeAt(generatedAt: string): string {
  return `${generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2025-03-03T11:00:00` as people read it, `2025-03-03 11:00:00`. */
function wallClock(time: string): string {
  return time.replace('T', ' ');
}

function sessionsText(alert: Alert): string {
  const shown = alert.sessions.slice(0, SESSIONS_SHOWN);
  const more = alert.calls - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more.toLocaleString('en-US')} more` : '');
}

const SEVERITY_COLORS: Record<Severity, string> = { critical: '#b91c1c', warning: '#b45309', info: '#1d4ed8' };

/**
 * One message for the new alerts of a round, every alert given listed (the caller chooses which: the
 * watch mails warning and critical ones), the most severe first.
 */
export function alertsMessage(alerts: readonly Alert[], options: { generatedAt: string }): MailMessage {
  const sorted = [...alerts].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.first_at.localeCompare(b.first_at) || a.id - b.id,
  );
  const critical = sorted.filter((a) => a.severity === 'critical').length;
  const where = pbxPhrase(sorted.map((a) => a.pbx));
  const subject =
    sorted.length === 0
      ? `${APP}: no new alerts`
      : `${APP}: ${plural(sorted.length, 'new alert')}${critical > 0 ? ` (${critical} critical)` : ''} on ${where}`;
  const made = madeAt(options.generatedAt);

  const text = [
    `${plural(sorted.length, 'new alert')} on ${where || 'no PBX'}, raised by ${APP} (${made}). Times are the PBX's wall clock.`,
    '',
    ...sorted.flatMap((a) => [
      `[${a.severity.toUpperCase()}] ${a.title}`,
      `  Rule ${a.rule} on ${a.pbx}, alert #${a.id}`,
      `  ${wallClock(a.first_at)} to ${wallClock(a.last_at)}, ${plural(a.calls, 'call')}`,
      ...(a.sessions.length > 0 ? [`  Sessions: ${sessionsText(a)}`] : []),
      '',
    ]),
    `Open ${APP} to see the calls and acknowledge the alerts.`,
    '',
  ].join('\n');

  const cell = 'style="border-bottom:1px solid #d9dee4;padding:4px 8px;text-align:left;vertical-align:top"';
  const num = 'style="border-bottom:1px solid #d9dee4;padding:4px 8px;text-align:right;vertical-align:top"';
  const rows = sorted
    .map(
      (a) =>
        `<tr><td ${cell}><strong style="color:${SEVERITY_COLORS[a.severity]}">${escape(a.severity)}</strong></td>` +
        `<td ${cell}>${escape(a.rule)}</td><td ${cell}>${escape(a.pbx)}</td><td ${cell}>${escape(a.title)}</td>` +
        `<td ${cell}>${escape(wallClock(a.first_at))}</td><td ${cell}>${escape(wallClock(a.last_at))}</td>` +
        `<td ${num}>${a.calls.toLocaleString('en-US')}</td><td ${cell}>${escape(sessionsText(a))}</td></tr>`,
    )
    .join('\n');
  const heads = ['Severity', 'Rule', 'PBX', 'Title', 'First', 'Last', 'Calls', 'Sessions'].map((h) => `<th ${cell}>${h}</th>`).join('');
  // Styles inline: many mail clients drop a <style> element.
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(subject)}</title>
</head>
<body style="font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933">
<p>${escape(plural(sorted.length, 'new alert'))} on ${escape(where || 'no PBX')}. Times are the PBX's wall clock.</p>
<table style="border-collapse:collapse;font-size:13px">
<thead><tr>${heads}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p style="color:#52606d">Raised by ${APP} (${escape(made)}). Open ${APP} to see the calls and acknowledge the alerts.</p>
</body>
</html>
`;
  return { subject, text, html };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDay(day: string): void {
  const match = DAY.exec(day);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (date === null || date.toISOString().slice(0, 10) !== day) {
    throw new AppError('BAD_INPUT', `The day of a daily report "${day}" is not a date: write it as YYYY-MM-DD.`, { day });
  }
}

function run<K extends ReportKind>(store: Store, request: ReportRequest & { kind: K }): Extract<ReportResult, { kind: K }> {
  return store.reports.run(request) as Extract<ReportResult, { kind: K }>;
}

/** `1 h 05 min`, `12 min 30 s`. */
function talkTime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

function summaryText(summary: SummaryReport): string[] {
  const lines = [
    `Calls: ${summary.calls.toLocaleString('en-US')}, answered ${summary.answered.toLocaleString('en-US')}, missed ${summary.missed.toLocaleString('en-US')}` +
      ` (answered ${Math.round(summary.asr * 100)}%), talk time ${talkTime(summary.talk_seconds)}.`,
  ];
  for (const [direction, counts] of Object.entries(summary.by_direction)) {
    lines.push(`  ${direction}: ${plural(counts.calls, 'call')}, ${counts.answered.toLocaleString('en-US')} answered, ${counts.missed.toLocaleString('en-US')} missed`);
  }
  return lines;
}

function missedText(missed: MissedReport): string[] {
  if (missed.rows.length === 0) return ['Missed and not called back: none.'];
  const attempts = missed.rows.reduce((sum, r) => sum + r.attempts, 0);
  const lines = [`Missed and not called back: ${plural(missed.rows.length, 'number')}, ${plural(attempts, 'attempt')}.`];
  for (const r of missed.rows.slice(0, TEXT_ROWS)) {
    lines.push(`  ${r.number}${r.name ? ` (${r.name})` : ''} on ${r.pbx}: ${plural(r.attempts, 'attempt')}, last ${wallClock(r.last_missed)}`);
  }
  if (missed.rows.length > TEXT_ROWS) lines.push(`  and ${(missed.rows.length - TEXT_ROWS).toLocaleString('en-US')} more`);
  return lines;
}

function costsText(costs: CostsReport): string[] {
  const currency = costs.currency === '' ? '' : ` ${costs.currency}`;
  const unrated = costs.unrated.calls === 0 ? '' : `; ${plural(costs.unrated.calls, 'unrated call')} not included`;
  const stale = costs.stale ? ' (costs are being calculated again: figures may still move)' : '';
  const lines = [`Costs: ${formatMoney(costs.total.cost)}${currency} for ${plural(costs.total.calls, 'rated call')}${unrated}${stale}.`];
  for (const r of costs.rows.slice(0, TEXT_ROWS)) lines.push(`  ${r.key || '(no destination)'}: ${plural(r.calls, 'call')}, ${formatMoney(r.cost)}${currency}`);
  if (costs.rows.length > TEXT_ROWS) lines.push(`  and ${(costs.rows.length - TEXT_ROWS).toLocaleString('en-US')} more destinations`);
  return lines;
}

/**
 * The report pages as one page: the first page's head and facts (PBX, period, made), then each
 * report's chart and table under its own heading.
 */
function combinePages(pages: readonly string[], title: string): string {
  const bodyStart = (page: string) => page.indexOf('<body>') + '<body>'.length;
  const body = (page: string) => page.slice(bodyStart(page), page.lastIndexOf('</body>'));
  const first = pages[0];
  const head = first.slice(0, bodyStart(first)).replace(/<title>[\s\S]*?<\/title>/, `<title>${escape(title)}</title>`);
  const facts = /<dl>[\s\S]*?<\/dl>/.exec(body(first))?.[0] ?? '';
  const sections = pages.map((page) =>
    body(page)
      .replace(/<dl>[\s\S]*?<\/dl>/, '')
      .replace(/<h1>([\s\S]*?)<\/h1>/, '<h2>$1</h2>'),
  );
  return `${head}\n<h1>${escape(title)}</h1>\n${facts}\n${sections.join('\n')}\n</body>\n</html>\n`;
}

/** The day's calls as the CSV export writes them (every field, UCM column names), oldest first. */
async function dayCsv(store: Store, filter: CallFilter): Promise<{ content: Buffer; rows: number }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  // With a byte-order mark: the file is opened from a mail, mostly in Excel, which needs it for UTF-8.
  const { rows } = await exportCalls(store, { filter, sort: { field: 'start', dir: 'asc' }, format: 'csv', bom: true }, sink);
  return { content: Buffer.concat(chunks), rows };
}

/**
 * The daily report for `day` (PBX wall clock): the summary, the missed calls not called back, and the
 * costs by destination when the day has calls with a plan (rated or unrated), in text and HTML, with
 * the day's calls attached as CSV.
 */
export async function dailyReportMessage(store: Store, day: string, options: { pbx?: string[]; generatedAt: string }): Promise<MailMessage> {
  checkDay(day);
  const filter: CallFilter = { from: day, to: day };
  if (options.pbx && options.pbx.length > 0) filter.pbx = [...options.pbx];
  const pbxs = filter.pbx ?? store.profiles.list().map((p) => p.name);
  const where = pbxPhrase(pbxs) || 'no PBX';

  const summaryRequest = { kind: 'summary', filter } as const;
  const missedRequest = { kind: 'missed', filter } as const;
  const costsRequest = { kind: 'costs', filter, by: 'destination' } as const;
  const summary = run(store, summaryRequest);
  const missed = run(store, missedRequest);
  const costs = run(store, costsRequest);
  // Unrated calls exist only under a plan, so a day without any is a PBX without plans: no costs part.
  const withCosts = costs.total.calls > 0 || costs.unrated.calls > 0;
  const sections: { request: ReportRequest; report: ReportResult }[] = [
    { request: summaryRequest, report: summary },
    { request: missedRequest, report: missed },
    ...(withCosts ? [{ request: costsRequest, report: costs }] : []),
  ];

  const title = `Daily report for ${day} on ${where}`;
  const pages = await Promise.all(sections.map(({ request, report }) => reportHtml(report, { request, pbxs, generatedAt: options.generatedAt })));
  const csv = await dayCsv(store, filter);
  const filename = `calls-${day}.csv`;

  const text = [
    `${title} (PBX wall clock), made by ${APP} (${madeAt(options.generatedAt)}).`,
    '',
    ...summaryText(summary),
    '',
    ...missedText(missed),
    ...(withCosts ? ['', ...costsText(costs)] : []),
    '',
    `The day's calls are attached: ${filename} (${plural(csv.rows, 'call')}).`,
    '',
  ].join('\n');

  return {
    subject: `${APP}: daily report ${day} on ${where}: ${plural(summary.calls, 'call')}, ${summary.missed.toLocaleString('en-US')} missed`,
    text,
    html: combinePages(pages, title),
    attachments: [{ filename, content: csv.content, contentType: 'text/csv; charset=utf-8' }],
  };
}
