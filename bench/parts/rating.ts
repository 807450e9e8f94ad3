import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CostsReport } from '../../preload/reports.js';
import { importRateSheet, rerateCalls } from '../../main/rates/plans.js';
import { openStore } from '../../main/store/store.js';
import { peakRssMb, percentile, report, timeMs } from '../measure.js';

export interface RatingArgs {
  db: string;
  dir: string;
}

const CHUNK = 20_000;
const REPORT_RUNS = 5;

/** A seeded PRNG, so every run prices the same sheet. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A carrier-sized sheet for a German PBX: national and mobile ranges down to 5-digit prefixes, the
 * world by country code, and a price change half-way through the data for a third of the rows.
 */
function rateSheet(changeAt: string): { text: string; rows: number } {
  const next = random(12);
  const lines = ['Prefix;Destination;Rate;Connect;Increment;Effective'];
  const prefixes = new Set<string>(['49', '1', '33', '43', '41', '44', '39', '34', '31', '32', '48', '420', '45', '46', '47']);
  for (let area = 2; area <= 9; area++) for (let i = 0; i < 400; i++) prefixes.add(`49${area}${Math.floor(next() * 1000)}`);
  for (let mobile = 150; mobile <= 179; mobile++) prefixes.add(`49${mobile}`);
  for (let cc = 200; cc <= 999 && prefixes.size < 5_000; cc += 3) prefixes.add(String(cc));
  let rows = 0;
  for (const prefix of prefixes) {
    const rate = (0.005 + next() * 0.2).toFixed(5);
    const increment = next() < 0.5 ? '60/60' : '30/6';
    lines.push(`${prefix};Destination ${prefix};${rate};${next() < 0.2 ? '0.01' : '0'};${increment};`);
    rows++;
    if (next() < 0.33) {
      lines.push(`${prefix};Destination ${prefix};${(Number(rate) * 0.9).toFixed(5)};0;${increment};${changeAt}`);
      rows++;
    }
  }
  return { text: `${lines.join('\n')}\n`, rows };
}

/**
 * Re-rating (issue 13): a full pass over the bench cache after a new plan, against the same reads and
 * writes without pricing (a prepared UPDATE per call, same chunks) measured in the same run; then a
 * pass that changes nothing (reads and compares only); then the costs report. The plan is removed at
 * the end so the cache stays as the ingest part built it.
 */
export async function ratingFigures(args: RatingArgs): Promise<void> {
  // Opening the store brings a cache built before schema 6 up to date, so the baseline finds cost_e4.
  openStore(args.db).close();
  const raw = new Database(args.db);
  const candidates = (raw.prepare("SELECT count(*) AS n FROM calls WHERE dst_trunk_name <> ''").get() as { n: number }).n;
  const total = (raw.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n;
  const range = raw.prepare('SELECT min(start) AS first, max(start) AS last FROM calls').get() as { first: string; last: string };
  const read = raw.prepare<[number, number], { id: number; billsec: number }>(
    "SELECT id, billsec FROM calls WHERE id > ? AND dst_trunk_name <> '' ORDER BY id LIMIT ?",
  );
  // The baseline writes what rating writes (cost_e4) for the same calls: the pass after it rewrites each.
  const write = raw.prepare('UPDATE calls SET cost_e4 = ? WHERE id = ?');
  const baselineMs = timeMs(() => {
    let after = 0;
    for (;;) {
      const rows = raw.transaction(() => {
        const chunk = read.all(after, CHUNK);
        for (const r of chunk) write.run(r.billsec, r.id);
        return chunk;
      })();
      if (rows.length < CHUNK) break;
      after = (rows[rows.length - 1] as { id: number }).id;
    }
  });
  raw.close();

  const store = openStore(args.db);
  try {
    const pbx = store.profiles.list()[0];
    if (pbx === undefined) throw new Error('the bench cache has no PBX');
    store.profiles.save({ ...pbx, country_code: '49', national_prefix: '0', international_prefix: '00' });
    const middle = `${range.first.slice(0, 4)}-${String(Math.min(12, Number(range.first.slice(5, 7)) + 1)).padStart(2, '0')}-15`;
    const sheet = rateSheet(middle);
    const file = join(args.dir, 'bench-rates.csv');
    writeFileSync(file, sheet.text);
    let started = performance.now();
    await importRateSheet(store, file, { plan: 'Bench carrier', currency: 'EUR' });
    const importMs = performance.now() - started;
    started = performance.now();
    const full = await rerateCalls(store);
    const fullMs = performance.now() - started;
    store.rates.save({ name: 'Bench carrier', currency: 'EUR', pbx_ids: [], trunks: [], file: 'bench-rates.csv', rows: null });
    started = performance.now();
    const again = await rerateCalls(store);
    const againMs = performance.now() - started;

    const timings = (by: CostsReport['by']) => {
      const samples: number[] = [];
      let result: CostsReport | null = null;
      for (let i = 0; i <= REPORT_RUNS; i++) {
        const ms = timeMs(() => {
          result = store.reports.run({ kind: 'costs', filter: {}, by }) as CostsReport;
        });
        if (i > 0) samples.push(ms);
      }
      return { p50: percentile(samples, 50), p95: percentile(samples, 95), result: result as CostsReport | null };
    };
    const byDestination = timings('destination');
    const byMonth = timings('month');
    const state = store.rates.state();
    const rated = (byDestination.result as CostsReport | null)?.total.calls ?? 0;

    store.rates.remove('Bench carrier');
    store.profiles.save({ ...pbx, country_code: '', national_prefix: '', international_prefix: '' });
    await rerateCalls(store);

    report({
      part: 'rating',
      figures: {
        cache_calls: total,
        candidates,
        sheet_rows: sheet.rows,
        sheet_import_ms: Math.round(importMs),
        full_pass_s: fullMs / 1000,
        full_pass_changed: full.changed,
        baseline_s: baselineMs / 1000,
        ratio_to_baseline: fullMs / baselineMs,
        unchanged_pass_s: againMs / 1000,
        unchanged_pass_changed: again.changed,
        rated,
        unrated: state.unrated,
        costs_by_destination_p50: byDestination.p50,
        costs_by_destination_p95: byDestination.p95,
        costs_by_month_p50: byMonth.p50,
        costs_by_month_p95: byMonth.p95,
        peak_rss_mb: peakRssMb(),
      },
    });
  } finally {
    store.close();
  }
}
