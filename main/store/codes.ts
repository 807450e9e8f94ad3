import { OUTCOMES, type Outcome } from '../cdr/outcome.js';
import { DIRECTIONS, DISPOSITIONS, type Direction, type Disposition } from '../cdr/types.js';

/**
 * Status and direction are stored as small integers: calls_by_start carries them for every call, and
 * a count over a million index entries compares integers much faster than text. Codes follow the
 * alphabetical order of the names, so sorting by code sorts by name.
 */
const DISPOSITION_NAMES: readonly (Disposition | '')[] = ['', ...[...DISPOSITIONS].sort()];
const DIRECTION_NAMES: readonly Direction[] = [...DIRECTIONS].sort();

const dispositionCodes = new Map(DISPOSITION_NAMES.map((name, code) => [name, code]));
const directionCodes = new Map(DIRECTION_NAMES.map((name, code) => [name, code]));

export function dispositionCode(name: Disposition | ''): number {
  return dispositionCodes.get(name) ?? 0;
}

export function directionCode(name: Direction): number {
  return directionCodes.get(name) ?? directionCodes.get('unknown') ?? 0;
}

export function dispositionName(code: number): Disposition | '' {
  return DISPOSITION_NAMES[code] ?? '';
}

export function directionName(code: number): Direction {
  return DIRECTION_NAMES[code] ?? 'unknown';
}

/** Outcome codes (main/cdr/outcome.ts), 1.. in the contract's order. */
const OUTCOME_NAMES: readonly Outcome[] = OUTCOMES;
const outcomeCodes = new Map(OUTCOME_NAMES.map((name, i) => [name, i + 1]));

export function outcomeCode(name: Outcome): number {
  return outcomeCodes.get(name) ?? 0;
}

export function outcomeName(code: number): Outcome | null {
  return OUTCOME_NAMES[code - 1] ?? null;
}

/** The code of `answered`: reports compare with it in SQL. */
export const ANSWERED_OUTCOME = 1;
