import type { CdrCall } from '../cdr/types.js';
import { AppError } from '../errors.js';
import { CallBuilder, type SequenceState } from './call-builder.js';
import { PbxClock } from './clock.js';
import type { Flavour } from './fields.js';
import { EXTENSIONS, EXTERNAL_PREFIXES, type Extension } from './office.js';
import { Random } from './random.js';
import { randomCall, type ExternalParty, type ScenarioContext } from './scenarios.js';

export interface GenerateCallsOptions {
  count: number;
  seed: number;
  /** Calls start within [start, end). */
  start: Date;
  end: Date;
  /** The PBX's IANA zone: office hours and the wall-clock fields follow it. Default UTC. */
  tz?: string;
  /** Field set and recording layout; default the UCM63xx's. */
  flavour?: Flavour;
  /** AcctId of the first generated record, to continue an existing data set. Default 1. */
  firstAcctId?: number;
}

const HOUR_MS = 3_600_000;
const CUSTOMER_NAMES = [
  'Oak Technology',
  'Bäckerei Schmidt',
  'Café Olé',
  'Nordic Fjord AS',
  '株式会社サクラ',
  "O'Brien & Sons",
  'Smith, Jones & Partners',
  'Ελληνική Ναυτιλία',
] as const;

/** Relative call volume of a wall-clock hour: busy office hours, quiet evenings and weekends. */
function hourWeight(naiveMs: number): number {
  const date = new Date(naiveMs);
  const day = date.getUTCDay();
  const hour = date.getUTCHours();
  if (day === 0 || day === 6) return hour >= 9 && hour < 17 ? 0.8 : 0.05;
  if ((hour >= 9 && hour < 12) || (hour >= 14 && hour < 17)) return 14;
  if (hour >= 8 && hour < 18) return 9;
  if (hour === 7 || (hour >= 18 && hour < 21)) return 1.5;
  return 0.08;
}

function externalNumberFrom(rng: Random): string {
  const prefix = rng.pick(EXTERNAL_PREFIXES);
  return prefix + rng.digits(prefix.length > 2 ? 10 : 9);
}

function validate(opts: GenerateCallsOptions): void {
  if (!Number.isSafeInteger(opts.count) || opts.count < 0) {
    throw new AppError('BAD_INPUT', `Invalid number of calls "${String(opts.count)}": use a whole number of 0 or more.`);
  }
  if (!Number.isSafeInteger(opts.seed)) {
    throw new AppError('BAD_INPUT', `Invalid seed "${String(opts.seed)}": use a whole number.`);
  }
  const start = opts.start.getTime();
  const end = opts.end.getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
    throw new AppError('BAD_INPUT', 'Invalid time span for generated calls: the end must be a valid date after the start.');
  }
  if (opts.firstAcctId !== undefined && (!Number.isSafeInteger(opts.firstAcctId) || opts.firstAcctId < 1)) {
    throw new AppError('BAD_INPUT', `Invalid first AcctId "${String(opts.firstAcctId)}": use a whole number of 1 or more.`);
  }
}

/** Per UTC hour of the span, the share of calls it gets, as a running total. */
function timeline(clock: PbxClock, startMs: number, endMs: number) {
  const hours: { from: number; length: number; cumulative: number; weight: number }[] = [];
  let total = 0;
  for (let hour = Math.floor(startMs / HOUR_MS); hour * HOUR_MS < endMs; hour++) {
    const from = Math.max(startMs, hour * HOUR_MS);
    const to = Math.min(endMs, (hour + 1) * HOUR_MS);
    const weight = (hourWeight(clock.naiveAt(from)) * (to - from)) / HOUR_MS;
    total += weight;
    hours.push({ from, length: to - from, cumulative: total, weight });
  }
  return { hours, total };
}

/**
 * Seeded, deterministic calls of a small office, in start order, generated lazily so a benchmark
 * can stream a million of them. Start times follow office hours in the PBX's zone; the same options
 * always give the same calls.
 */
export function generateCalls(opts: GenerateCallsOptions): Iterable<CdrCall> {
  validate(opts);
  const clock = new PbxClock(opts.tz ?? 'UTC');
  const flavour = opts.flavour ?? 'ucm63xx';
  return {
    *[Symbol.iterator]() {
      // The office's contacts come from their own stream so they do not depend on the call count.
      const contactsRng = new Random(opts.seed ^ 0x5eed);
      const customers: ExternalParty[] = [];
      for (let i = 0; i < 400; i++) {
        const number = externalNumberFrom(contactsRng);
        const named = contactsRng.chance(0.25);
        customers.push({ number, name: named ? contactsRng.pick(CUSTOMER_NAMES) : '' });
      }
      const dialable = customers.slice();
      for (let i = 0; i < 8; i++) customers.push({ number: 'Anonymous', name: 'Anonymous' });
      const mobiles = new Map<Extension, string>(EXTENSIONS.map((e) => [e, `07${contactsRng.digits(9)}`]));

      const rng = new Random(opts.seed);
      const sequence: SequenceState = { acctId: opts.firstAcctId ?? 1, channel: ((opts.firstAcctId ?? 1) * 2) & 0x7fffffff };
      let startMicros = 0;
      const ctx: ScenarioContext = {
        rng,
        newCall: (caller) => new CallBuilder(clock, flavour, sequence, startMicros, caller),
        externalCaller: () => rng.pick(customers),
        // Half the numbers dialled out are customers who also call in: the same party in both directions.
        externalNumber: () => (rng.chance(0.5) ? rng.pick(dialable).number : externalNumberFrom(rng)),
        mobileOf: (ext) => mobiles.get(ext) as string,
      };

      const { hours, total } = timeline(clock, opts.start.getTime(), opts.end.getTime());
      let h = 0;
      let before = 0;
      let previous = -1;
      for (let i = 0; i < opts.count; i++) {
        // Quantile i+u of the weighted span: strictly increasing, so calls come out in start order.
        const target = ((i + rng.next()) / opts.count) * total;
        while (h < hours.length - 1 && hours[h]!.cumulative <= target) {
          before = hours[h]!.cumulative;
          h++;
        }
        const slot = hours[h]!;
        const within = slot.weight > 0 ? Math.min(1, (target - before) / slot.weight) : 0;
        startMicros = Math.max(previous + 1, Math.floor((slot.from + within * slot.length) * 1000));
        previous = startMicros;
        yield randomCall(ctx);
      }
    },
  };
}
