/** The mail settings form: its values, a first check before sending, and the request it makes. */
import type { MailSettings, MailSettingsInput } from '../../preload/api.js';

export interface MailFormValues {
  smtp: string;
  from: string;
  /** Recipients as typed: one per line, or separated by commas. */
  to: string;
  dailyReport: boolean;
  /** `HH:MM`, as a time input gives it. */
  dailyTime: string;
  /** What happens to the stored SMTP password: kept, replaced by `password`, or forgotten. */
  passwordAction: 'keep' | 'replace' | 'forget';
  password: string;
}

export type MailFormErrors = Partial<Record<'smtp' | 'from' | 'to' | 'dailyTime' | 'password', string>>;

const DEFAULT_REPORT_TIME = '07:30';

export function mailForm(settings: MailSettings): MailFormValues {
  return {
    smtp: settings.smtp,
    from: settings.from,
    to: settings.to.join('\n'),
    dailyReport: settings.daily_report !== '',
    dailyTime: settings.daily_report === '' ? DEFAULT_REPORT_TIME : settings.daily_report,
    // Without a stored password, typing one is the only thing to do with the field.
    passwordAction: settings.has_password ? 'keep' : 'replace',
    password: '',
  };
}

export function recipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter((address) => address !== '');
}

/** Checks the form can be understood; the service checks the server URL and addresses in full and says why. */
export function validateMailForm(values: MailFormValues): MailFormErrors {
  const errors: MailFormErrors = {};
  const smtp = values.smtp.trim();
  if (smtp !== '') {
    if (!/^smtps?:\/\/\S+$/i.test(smtp)) errors.smtp = 'Write the server as smtp://user@host:587 (STARTTLS) or smtps://user@host:465 (TLS).';
    if (values.from.trim() === '') errors.from = 'Give the sender address, e.g. alerts@example.com.';
    if (recipients(values.to).length === 0) errors.to = 'Add at least one recipient, e.g. it@example.com.';
  }
  if (values.dailyReport && !/^([01]\d|2[0-3]):[0-5]\d$/.test(values.dailyTime)) errors.dailyTime = 'Give the time as HH:MM, e.g. 07:30.';
  if (values.passwordAction === 'replace' && values.password.length > 1024) errors.password = 'The password is longer than 1,024 characters.';
  return errors;
}

export function toMailInput(values: MailFormValues): MailSettingsInput {
  const input: MailSettingsInput = {
    smtp: values.smtp.trim(),
    from: values.from.trim(),
    to: recipients(values.to),
    daily_report: values.dailyReport ? values.dailyTime : '',
  };
  if (values.passwordAction === 'forget') input.password = '';
  else if (values.passwordAction === 'replace' && values.password !== '') input.password = values.password;
  return input;
}

/**
 * Which field a refusal of the service is about, from the facts it gives (`details`): the server URL,
 * an address (the sender's or a recipient's), or the daily report time.
 */
export function mailErrorField(details: Record<string, unknown> | undefined, values: MailFormValues): keyof MailFormErrors | null {
  if (details === undefined) return null;
  const field = details['field'];
  if (typeof details['smtp'] === 'string' || field === 'smtp') return 'smtp';
  if (field === 'daily_report') return 'dailyTime';
  if (field === 'from') return 'from';
  if (typeof field === 'string' && /^to(\.|$)/.test(field)) return 'to';
  const address = details['address'];
  if (typeof address === 'string') {
    if (address === values.from.trim()) return 'from';
    if (recipients(values.to).includes(address)) return 'to';
  }
  return null;
}
