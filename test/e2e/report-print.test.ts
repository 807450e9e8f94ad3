import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityReport, SummaryReport } from '../../preload/reports.js';
import { generateCalls } from '../../main/simulator/generator.js';
import { openStore } from '../../main/store/store.js';
import { cli } from '../cli/helpers.js';
import { CHROMIUM } from './harness.js';

/**
 * The HTML report printed by Chromium, as a user prints it (or as the desktop app's printToPDF does):
 * the page loads nothing from outside, prints on A4 and Letter, and the PDF's text holds the figures.
 */

const work = mkdtempSync(join(tmpdir(), 'ucm-print-'));
const db = join(work, 'cache.sqlite');
let browser: Browser;

async function pdfText(pdf: Buffer): Promise<{ pages: string[] }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    // Text runs split where the PDF places glyphs: compare without white space.
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('').replace(/\s+/g, ''));
  }
  await doc.destroy();
  return { pages };
}

async function htmlReport(kind: string, args: string[]): Promise<string> {
  const out = join(work, `${kind}-${args.join('')}.html`);
  const run = await cli(['--db', db, 'report', kind, '--format', 'html', '--out', out, ...args]);
  expect(run.stderr).toContain(`Wrote the ${kind} report`);
  return readFileSync(out, 'utf8');
}

async function jsonReport<T>(kind: string, args: string[]): Promise<T> {
  return JSON.parse((await cli(['--db', db, 'report', kind, '--format', 'json', ...args])).stdout) as T;
}

/** A needle as pdfText leaves the page's text: without white space. */
function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Prints the page as Chromium would, noting any request it makes and any CSP complaint. */
async function print(html: string, format: 'A4' | 'Letter'): Promise<{ pdf: Buffer; requests: string[]; problems: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('data:') && request.url() !== 'about:blank') requests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format, printBackground: true });
    return { pdf, requests, problems };
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  const store = openStore(db);
  try {
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
    const calls = [...generateCalls({ count: 1500, seed: 3, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-29T00:00:00Z'), tz: 'Europe/London' })];
    store.calls.ingest(pbx, calls, { origin: 'sync' });
  } finally {
    store.close();
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the HTML report, printed by Chromium', () => {
  it('loads nothing from outside and holds the summary figures in its PDF, on A4 and on Letter', async () => {
    const summary = await jsonReport<SummaryReport>('summary', ['--from', '2024-03-04', '--to', '2024-03-10']);
    const html = await htmlReport('summary', ['--from', '2024-03-04', '--to', '2024-03-10']);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|src="http/);
    for (const format of ['A4', 'Letter'] as const) {
      const { pdf, requests, problems } = await print(html, format);
      expect(requests).toEqual([]);
      expect(problems).toEqual([]);
      const text = (await pdfText(pdf)).pages.join('');
      for (const needle of [
        'Summary',
        'PBX office',
        'from 2024-03-04; to 2024-03-10',
        `ASR ${(summary.asr * 100).toFixed(1)} %`,
        `${summary.calls.toLocaleString('en-US')}${summary.answered.toLocaleString('en-US')}${summary.missed.toLocaleString('en-US')}`,
      ]) {
        expect(text).toContain(squash(needle));
      }
    }
  });

  it('draws the chart as inline SVG and breaks a long table into pages that each repeat its header', async () => {
    const activity = await jsonReport<ActivityReport>('activity', ['--by', 'hour']);
    const html = await htmlReport('activity', ['--by', 'hour']);
    expect(html).toMatch(/<figure><svg[^>]*>/);
    const { pdf } = await print(html, 'A4');
    const { pages } = await pdfText(pdf);
    expect(pages.length).toBeGreaterThan(3);
    // The chart's page and then the table: every page of the table names its columns again.
    for (const page of pages.slice(2)) expect(page).toContain(squash('Hour Calls Answered Missed Talk (s)'));
    const total = activity.rows.reduce((n, r) => n + r.calls, 0);
    expect(pages.at(-1)).toContain(squash(`Total ${total.toLocaleString('en-US')}`));
    const busiest = activity.rows.reduce((a, b) => (b.calls > a.calls ? b : a));
    expect(pages.join('')).toContain(squash(`${busiest.bucket} ${busiest.calls} ${busiest.answered} ${busiest.missed}`));
  });
});
