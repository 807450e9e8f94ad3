/** Checks of the rate sheet import form, before anything is sent to the service. */
import type { FileRef, RatePlan } from '../../preload/api.js';

export interface RateImportValues {
  file: FileRef | null;
  plan: string;
  currency: string;
  pbx: string[];
  trunks: string[];
}

export type RateImportErrors = Partial<Record<'file' | 'plan' | 'currency', string>>;

/** The service's limit on a plan name. */
const MAX_PLAN_NAME = 100;

export function validateRateImport(values: RateImportValues): RateImportErrors {
  const errors: RateImportErrors = {};
  if (values.file === null) errors.file = 'Choose the rate sheet file (CSV) first.';
  const plan = values.plan.trim();
  if (plan === '') errors.plan = 'Give the plan a name, e.g. the carrier\'s ("BT Business").';
  else if (plan.length > MAX_PLAN_NAME) errors.plan = `Keep the name under ${MAX_PLAN_NAME} characters.`;
  const currency = values.currency.trim();
  if (currency !== '' && !/^[A-Za-z]{3}$/.test(currency)) errors.currency = `"${currency}" is not a currency code: write three letters such as GBP, EUR or USD.`;
  return errors;
}

/** A plan name from the sheet's file name: `BT rates 2025.csv` -> `BT rates 2025`. */
export function planNameFromFile(name: string): string {
  return name.replace(/\.[^.]*$/, '').trim().slice(0, MAX_PLAN_NAME);
}

/** `every PBX` or the names, for the plans table and the dialogs. */
export function scopeText(names: readonly string[], every: string): string {
  return names.length === 0 ? every : names.join(', ');
}

/** What importing under `plan` replaces, in words; null for a new plan. */
export function replaceNotice(plans: readonly RatePlan[], plan: string): string | null {
  const existing = plans.find((p) => p.name === plan.trim());
  if (!existing) return null;
  return `Replaces plan ${existing.name} (${existing.row_count.toLocaleString('en-US')} rows from ${existing.file}) with the rows of this sheet.`;
}
