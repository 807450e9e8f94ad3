import { AppError } from '../errors.js';

/** Argument checks shared by the store's areas: each refuses with BAD_INPUT and a message naming the value. */

export function badInput(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('BAD_INPUT', message, details);
}

export function wholeNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badInput(`${what} must be a whole number, 0 or more, got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

export function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw badInput(`${what} must be non-empty text.`);
  return value;
}
