/** Display formatting. Values arrive ready from the contract; this only turns them into text. */

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Seconds as the UCM page shows them: `0:00:23`, `12:04:59`, `130:00:00` for long totals. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `${h}:${pad2(m)}:${pad2(total % 60)}`;
}

/** Player clock: `1:05`, or `1:02:03` past an hour. */
export function formatClock(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = pad2(total % 60);
  return h > 0 ? `${h}:${pad2(m)}:${s}` : `${m}:${s}`;
}

/** PBX wall clock `YYYY-MM-DDTHH:MM:SS` as the UCM page writes it: `YYYY-MM-DD HH:MM:SS`. */
export function formatWallClock(value: string | null | undefined): string {
  if (!value) return '';
  return value.replace('T', ' ').replace(/Z$/, '');
}

const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return countFormat.format(n);
}

// Costs are rated to 4 decimals (docs/costs.md): every amount shows all four, so figures line up.
const amountFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });

/** An amount of money: `1,234.5600`. */
export function formatAmount(amount: number): string {
  return amountFormat.format(amount);
}

/** An amount with its currency when it has one: `0.2345 GBP`. */
export function formatCost(amount: number, currency: string): string {
  return currency === '' ? formatAmount(amount) : `${formatAmount(amount)} ${currency}`;
}

/** An ISO instant in the viewer's own zone, for "last synced" style facts. */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/** An ISO instant close to now: its time alone when it falls today, with the date otherwise. */
export function formatSoon(iso: string | null | undefined, now: Date = new Date()): string {
  const text = formatInstant(iso);
  const today = `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
  return text.startsWith(`${today} `) ? text.slice(today.length + 1) : text;
}

export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return '';
  return perSecond >= 100 ? `${formatCount(Math.round(perSecond))}/s` : `${perSecond.toFixed(1)}/s`;
}

/** Remaining time in words short enough for a progress line: `45 s`, `3 min`, `1 h 05 min`. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${pad2(Math.round((s % 3600) / 60))} min`;
}

/** The file name part of a recording path like `2022-08/auto-1661159747#203-01904593096-6400.wav`. */
export function recordingName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}
