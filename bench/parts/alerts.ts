import Database from 'better-sqlite3';
import { openStore } from '../../main/store/store.js';
import { peakRssMb, percentile, report, timeMs } from '../measure.js';

export interface AlertsArgs {
  db: string;
  runs: number;
}

const NEW_CALLS = 1_000;

/**
 * The alert rules (issue 14): a scan of the whole bench cache, against a plain read of the same
 * columns of every call in the same run; then the evaluation after a sync of 1,000 new calls (the
 * newest 1,000 calls evaluated as new: the watermark is set back before them, which is what a sync
 * that delivered them leaves behind).
 */
export function alertFigures(args: AlertsArgs): void {
  const store = openStore(args.db);
  try {
    const pbx = store.profiles.list()[0];
    if (pbx === undefined) throw new Error('the bench cache has no PBX');
    store.profiles.save({ ...pbx, country_code: '49', national_prefix: '0', international_prefix: '00' });
    const raw = new Database(args.db, { readonly: true });
    const baselineMs = timeMs(() => {
      let n = 0;
      for (const row of raw
        .prepare('SELECT id, pbx_id, start, start_wall, start_utc, duration, billsec, src, dst, direction, outcome, dst_trunk_name FROM calls ORDER BY start_utc, id')
        .iterate()) {
        if (row !== undefined) n++;
      }
      return n;
    });
    raw.close();
    let scan = { calls: 0, raised: 0, joined: 0 };
    const scanMs = timeMs(() => {
      scan = store.alerts.scan({ pbxIds: [] });
    });
    const rescanMs = timeMs(() => store.alerts.scan({ pbxIds: [] }));
    const last = store.alerts.watermark() || store.rates.lastCallId();
    const samples: number[] = [];
    for (let i = 0; i < args.runs; i++) {
      store.alerts.setWatermark(last - NEW_CALLS);
      samples.push(timeMs(() => store.alerts.evaluateNew()));
    }
    store.alerts.setWatermark(last);
    const byRule = new Map<string, number>();
    for (const alert of store.alerts.list({ all: true })) byRule.set(alert.rule, (byRule.get(alert.rule) ?? 0) + 1);
    report({
      part: 'alerts',
      figures: {
        cache_calls: scan.calls,
        scan_s: scanMs / 1000,
        baseline_read_s: baselineMs / 1000,
        ratio_to_baseline: scanMs / baselineMs,
        rescan_s: rescanMs / 1000,
        alerts: [...byRule.values()].reduce((n, v) => n + v, 0),
        alerts_new: scan.raised,
        alerts_by_rule: [...byRule].map(([rule, n]) => `${rule} ${n}`).join(', '),
        new_calls: NEW_CALLS,
        new_calls_p50_ms: percentile(samples, 50),
        new_calls_p95_ms: percentile(samples, 95),
        peak_rss_mb: peakRssMb(),
      },
    });
  } finally {
    store.close();
  }
}
