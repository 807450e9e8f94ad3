/**
 * Quick time ranges for the filter panel, in the PBX wall-clock format of CallFilter.from/to.
 * "Today" is the viewer's calendar day: PBX and viewer normally share a zone, and the inclusive
 * wall-clock bounds are what the user reads on the PBX's own page.
 */
export const QUICK_RANGES = ['today', 'yesterday', 'last7', 'this_month', 'last_month'] as const;
export type QuickRange = (typeof QUICK_RANGES)[number];

export const QUICK_RANGE_LABELS: Record<QuickRange, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  last7: 'Last 7 days',
  this_month: 'This month',
  last_month: 'Last month',
};

const pad2 = (n: number) => String(n).padStart(2, '0');

function day(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

function span(first: Date, last: Date): { from: string; to: string } {
  return { from: `${day(first)}T00:00:00`, to: `${day(last)}T23:59:59` };
}

export function quickRange(range: QuickRange, now: Date): { from: string; to: string } {
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  switch (range) {
    case 'today':
      return span(now, now);
    case 'yesterday': {
      const yesterday = new Date(y, m, d - 1);
      return span(yesterday, yesterday);
    }
    case 'last7':
      return span(new Date(y, m, d - 6), now);
    case 'this_month':
      return span(new Date(y, m, 1), new Date(y, m + 1, 0));
    case 'last_month':
      return span(new Date(y, m - 1, 1), new Date(y, m, 0));
  }
}

/** Which quick range (if any) a from/to pair is, so its button can show as active. */
export function matchingQuickRange(from: string | undefined, to: string | undefined, now: Date): QuickRange | null {
  for (const range of QUICK_RANGES) {
    const r = quickRange(range, now);
    if (r.from === from && r.to === to) return range;
  }
  return null;
}

/**
 * The value a datetime-local input can show for a filter bound. Filter bounds may be date-only
 * (typed in the URL); a date-only `to` is inclusive, i.e. the end of that day.
 */
export function toDateTimeInput(value: string | undefined, bound: 'from' | 'to'): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return bound === 'from' ? `${value}T00:00:00` : `${value}T23:59:59`;
  return value;
}
