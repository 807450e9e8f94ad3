import type { FileRef } from './api.js';

/**
 * The call-costs part of the contract (docs/costs.md). A rate plan is a carrier's rate sheet applied to
 * the calls of some PBXs leaving by some destination trunks; every call carries what rating made of it.
 * JSON field names are what `ucmcdr rates ... --format json` and `ucmcdr calls --format json` print.
 */

export const COST_STATUSES = ['rated', 'not_billable', 'unrated'] as const;
/**
 * rated: priced by a plan; not_billable: not answered, no talk time, no destination trunk or no plan
 * for its PBX and trunk (cost 0); unrated: billable, but no prefix of the plan matched (cost null).
 */
export type CostStatus = (typeof COST_STATUSES)[number];

/** How a PBX's dialled numbers become E.164 digits (each '' or digits). */
export interface DialPlan {
  /** `44` */
  country_code: string;
  /** `0`: a number starting with it is national; it is replaced by the country code. */
  national_prefix: string;
  /** `00`: a number starting with it is international; it is dropped. */
  international_prefix: string;
}

export interface RatePlan {
  name: string;
  /** ISO 4217 code as given, e.g. GBP. */
  currency: string;
  /** PBX names the plan applies to; empty = every PBX. */
  pbx: string[];
  /** Destination trunk names the plan applies to; empty = every trunk. */
  trunks: string[];
  /** The rate sheet's file name. */
  file: string;
  /** ISO 8601 UTC. */
  imported_at: string;
  /** Rows of the sheet (prefix and effective date). */
  row_count: number;
}

/** One row of a rate sheet; money as decimal text, exactly as rated. */
export interface RateRowView {
  line: number;
  prefix: string;
  destination: string;
  /** Per minute. */
  rate: string;
  connect: string;
  /** Minimum billed seconds. */
  minimum: number;
  /** Billing increment, seconds. */
  increment: number;
  /** PBX wall clock from which the row applies; null = always. */
  effective: string | null;
}

export interface RatePlanDetail extends RatePlan {
  rows: RateRowView[];
}

export interface RateImportRequest {
  file: FileRef;
  plan: string;
  /** Default: the replaced plan's currency, else USD. */
  currency?: string;
  /** PBX names; absent or empty = every PBX. */
  pbx?: string[];
  /** Destination trunk names; absent or empty = every trunk. */
  trunks?: string[];
}

export interface RateImportResult {
  plan: RatePlan;
  /** A plan of that name existed and was replaced. */
  replaced: boolean;
}

export interface RateAssignRequest {
  plan: string;
  pbx: string[];
  trunks: string[];
}

export interface RateLookupRequest {
  number: string;
  pbx: string;
  trunk?: string;
  /** PBX wall clock `YYYY-MM-DDTHH:MM[:SS]` the price applies at; default now on the PBX's clock. */
  at?: string;
}

export interface RateLookup {
  number: string;
  /** The number as E.164 digits, by the PBX's dial plan. */
  e164: string;
  /** The plan for the PBX and trunk; null when none applies. */
  plan: string | null;
  currency: string | null;
  /** The row that would price the call; null when no plan or no prefix matches. */
  row: RateRowView | null;
  /** Why there is no row, in words; empty when there is one. */
  reason: string;
}

/** How a call's cost was made (the session panel). */
export interface CallCost {
  status: CostStatus;
  /** null when unrated; 0 when not billable. */
  cost: number | null;
  currency: string;
  plan: string;
  /** The dialled number as E.164 digits. */
  e164: string;
  row: RateRowView | null;
  billed_seconds: number;
  /** Why the call is not billable or unrated, in words; empty when rated. */
  reason: string;
}

/** Whether every call's cost follows the plans and dial plans as they are now. */
export interface RatingState {
  /** A plan, assignment or dial plan changed and not every call was rated again since. */
  stale: boolean;
  /** Billable calls no prefix matched. */
  unrated: number;
  plans: number;
}

export interface RerateRequest {
  taskId: string;
}

export interface RerateResult {
  /** Calls looked at. */
  calls: number;
  /** Calls whose cost changed. */
  changed: number;
  state: RatingState;
}
