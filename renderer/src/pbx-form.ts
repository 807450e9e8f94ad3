/** Validation of the PBX profile form, before anything is sent to the service. */
import type { ImportSourceInput, PbxInput, PbxProfile, SyncSchedule } from '../../preload/api.js';
import { httpUrlProblem, isValidTimeZone } from '../../preload/checks.js';
import { parseBusinessHours } from '../../preload/business-hours.js';

export interface PbxFormValues {
  name: string;
  url: string;
  user: string;
  password: string;
  tz: string;
  api: PbxInput['api'];
  model: string;
  /** Dial plan (docs/costs.md): how the PBX's dialled numbers become E.164 digits to find their rates. */
  country_code: string;
  national_prefix: string;
  international_prefix: string;
  /** Minutes between automatic syncs; 0 = off. */
  sync_every: SyncSchedule;
  /** PBX wall clock, `Mon-Fri 07:00-19:00`; '' on a new profile takes the service's default. */
  business_hours: string;
}

export type PbxFormErrors = Partial<Record<keyof PbxFormValues, string>>;

export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function emptyForm(): PbxFormValues {
  return {
    name: '',
    url: 'https://',
    user: '',
    password: '',
    tz: viewerTimeZone(),
    api: 'auto',
    model: '',
    country_code: '',
    national_prefix: '',
    international_prefix: '',
    // A new PBX comes with its password, so it is synced on the service's default schedule.
    sync_every: 15,
    business_hours: '',
  };
}

export function formFromProfile(profile: PbxProfile): PbxFormValues {
  return {
    name: profile.name,
    url: profile.url,
    user: profile.user,
    password: '',
    tz: profile.tz,
    api: profile.api,
    model: profile.model,
    country_code: profile.country_code,
    national_prefix: profile.national_prefix,
    international_prefix: profile.international_prefix,
    sync_every: profile.sync_every,
    business_hours: profile.business_hours,
  };
}

/** The sync schedule choices of the form, in words. */
export const SYNC_SCHEDULE_NAMES: Readonly<Record<SyncSchedule, string>> = {
  0: 'Off',
  5: 'Every 5 minutes',
  15: 'Every 15 minutes',
  60: 'Every hour',
};

/**
 * What is wrong with business hours as typed, in the service's words, or null when they are good. Left
 * empty on a new profile they take the service's default; an existing profile keeps hours.
 */
export function businessHoursProblem(text: string, creating: boolean): string | null {
  if (creating && text.trim() === '') return null;
  try {
    parseBusinessHours(text);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export const DIAL_PLAN_FIELDS = ['country_code', 'national_prefix', 'international_prefix'] as const;
type DialPlanField = (typeof DIAL_PLAN_FIELDS)[number];

/** The service's limits (main/cdr/dial-plan.ts): E.164 country codes have at most 3 digits. */
const DIAL_PLAN_LIMITS: Record<DialPlanField, { name: string; maxDigits: number }> = {
  country_code: { name: 'The country code', maxDigits: 3 },
  national_prefix: { name: 'The national prefix', maxDigits: 6 },
  international_prefix: { name: 'The international prefix', maxDigits: 6 },
};

function dialPlanProblems(values: PbxFormValues, errors: PbxFormErrors): void {
  for (const field of DIAL_PLAN_FIELDS) {
    const value = values[field].trim();
    const { name, maxDigits } = DIAL_PLAN_LIMITS[field];
    if (!/^\d*$/.test(value)) errors[field] = `${name} is digits only, without + or spaces.`;
    else if (value.length > maxDigits) errors[field] = `${name} has at most ${maxDigits} digits.`;
  }
  if (errors.country_code === undefined && values.country_code.trim().startsWith('0')) {
    errors.country_code = 'A country code never starts with 0: write it without the international prefix (44, not 0044).';
  }
}

/** The dial plan as the service takes it: every field sent, so an emptied one is cleared. */
function dialPlanInput(values: PbxFormValues): Pick<PbxInput, DialPlanField> {
  return {
    country_code: values.country_code.trim(),
    national_prefix: values.national_prefix.trim(),
    international_prefix: values.international_prefix.trim(),
  };
}

/** What the form says when the dial plan of a profile with calls changes; null when nothing is rated again. */
export function rerateNotice(profile: PbxProfile | null, values: PbxFormValues): string | null {
  if (!profile || profile.calls === 0) return null;
  const next = DIAL_PLAN_FIELDS.map((f) => values[f].trim());
  if (next.some((value) => !/^\d*$/.test(value)) || DIAL_PLAN_FIELDS.every((f, i) => next[i] === profile[f])) return null;
  const n = profile.calls.toLocaleString('en-US');
  return `Saving calculates the costs of the ${n} cached call${profile.calls === 1 ? '' : 's'} of ${profile.name} again with this dial plan.`;
}

/**
 * The address as the service takes it: `192.168.1.20:8089`, typed without a scheme, is completed to
 * https (a UCM serves its web page and both APIs over https only).
 */
export function completeAddress(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed;
  return `https://${trimmed.replace(/^\/+/, '')}`;
}

/** The hint under the address: the port the chosen API generation listens on. */
export function addressHint(api: PbxInput['api']): { text: string; example: string } {
  switch (api) {
    case 'legacy':
      return { text: 'The PBX address with the port of its CDR API (cdrapi), 8443 by default.', example: 'https://192.168.1.20:8443' };
    case 'ucm63xx':
      return { text: 'The PBX web address and port, as in the browser: 8089 by default.', example: 'https://192.168.1.20:8089' };
    default:
      return {
        text: 'The PBX web address and port, as in the browser (UCM63xx: 8089 by default); a legacy UCM61xx/62xx/65xx answers its CDR API on 8443.',
        example: 'https://192.168.1.20:8089',
      };
  }
}

function urlProblem(text: string): string | null {
  const trimmed = completeAddress(text);
  // The same http(s) check the service makes; the form only puts its answer in words.
  switch (httpUrlProblem(trimmed)) {
    case 'not-a-url':
      return `"${text}" is not an address. Write it like https://192.168.1.20:8089.`;
    case 'not-http':
      return `Use an https:// (or http://) address, not "${new URL(trimmed).protocol}".`;
    case 'no-host':
      return 'The address needs a host name or IP address.';
  }
  const url = new URL(trimmed);
  if (url.username || url.password) return 'Put the user name and password in their own fields, not in the address.';
  if (url.search || url.hash) return 'Leave out "?..." and "#..." parts: give only the PBX address and port.';
  return null;
}

/** `importOnly`: a source without an address, which has only a name, a zone and a model. */
export function validatePbxForm(
  values: PbxFormValues,
  context: { id?: number; others: PbxProfile[]; importOnly?: boolean },
): PbxFormErrors {
  const errors: PbxFormErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Give the PBX a name, e.g. "Head office".';
  else if (name.length > 64) errors.name = 'Keep the name under 64 characters.';
  else if (context.others.some((p) => p.id !== context.id && p.name === name)) errors.name = `A PBX named "${name}" already exists.`;

  if (!values.tz.trim()) errors.tz = 'Choose the time zone the PBX clock runs in.';
  else if (!isValidTimeZone(values.tz.trim())) errors.tz = `"${values.tz}" is not a time zone name like Europe/Berlin or America/New_York.`;
  if (values.model.length > 64) errors.model = 'Keep the model under 64 characters.';
  dialPlanProblems(values, errors);
  const hoursError = businessHoursProblem(values.business_hours, context.id === undefined);
  if (hoursError) errors.business_hours = hoursError;
  if (context.importOnly) return errors;

  const urlError = urlProblem(values.url);
  if (urlError) errors.url = urlError;

  const user = values.user.trim();
  if (!user) errors.user = 'Enter the API user name configured on the PBX.';
  else if (user.length > 64 || /\s/.test(user)) errors.user = 'The user name cannot contain spaces or exceed 64 characters.';

  if (context.id === undefined && !values.password) errors.password = "Enter the API user's password.";
  if (values.password.length > 256) errors.password = 'The password is longer than 256 characters.';
  return errors;
}

export function toImportSourceInput(values: PbxFormValues, id?: number): ImportSourceInput {
  const input: ImportSourceInput = { name: values.name.trim(), tz: values.tz.trim(), model: values.model.trim(), ...dialPlanInput(values) };
  if (id !== undefined) input.id = id;
  if (values.business_hours.trim()) input.business_hours = values.business_hours.trim();
  return input;
}

/** What the form says when the zone of a profile with calls changes; null when nothing is re-timed. */
export function retimeNotice(profile: PbxProfile | null, tz: string): string | null {
  if (!profile || profile.calls === 0 || tz.trim() === profile.tz || !isValidTimeZone(tz.trim())) return null;
  const n = profile.calls.toLocaleString('en-US');
  return `Saving re-times the ${n} cached call${profile.calls === 1 ? '' : 's'} of ${profile.name} from ${profile.tz} to ${tz.trim()}: their PBX times stay, their instants follow the new zone.`;
}

export function toPbxInput(values: PbxFormValues, id?: number): PbxInput {
  const input: PbxInput = {
    name: values.name.trim(),
    url: completeAddress(values.url).replace(/\/+$/, ''),
    api: values.api,
    user: values.user.trim(),
    tz: values.tz.trim(),
    ...dialPlanInput(values),
    sync_every: values.sync_every,
  };
  if (id !== undefined) input.id = id;
  if (values.model.trim()) input.model = values.model.trim();
  if (values.business_hours.trim()) input.business_hours = values.business_hours.trim();
  if (values.password) input.password = values.password;
  return input;
}
