import type { ApiErrorCode, ApiErrorPayload } from '../../preload/api.js';

/** An error as the UI shows it: plain words with what to do, plus the service's own message. */
export interface ErrorView {
  code: ApiErrorCode;
  text: string;
  /** The service's message when it adds facts to `text` (which value, which file, which line). */
  detail: string | null;
  /**
   * BAD_INPUT about one field of a call filter (details.field "caller" or "filter.caller"): the field,
   * so the screen shows the message under it rather than as a banner.
   */
  filterField?: string;
  /** TLS_FINGERPRINT_MISMATCH: both fingerprints (details.expected / details.actual), to compare. */
  fingerprints?: { pinned: string; presented: string };
}

const PLAIN_WORDS: Partial<Record<ApiErrorCode, string>> = {
  AUTH_FAILED:
    'The PBX refused the user name or password. Check both in the PBX profile (they are the API user configured on the PBX, not a web login), then test again.',
  PERMISSION_DENIED:
    "The PBX refused access: its CDR/REC API is disabled or this computer's IP address is not in the API's permitted list. Enable the API on the PBX and allow this address, then try again.",
  PBX_UNREACHABLE:
    'The PBX could not be reached. Check the address and port in the profile, that the PBX is on, and that this computer can reach it (network, VPN, firewall).',
  TLS_UNTRUSTED:
    "The PBX's certificate is not trusted yet. Test the connection to see its fingerprint, compare it with the one the PBX shows, and trust it.",
  TLS_FINGERPRINT_MISMATCH:
    'The PBX presented a different certificate from the one you trusted. If its certificate was renewed, test the connection, compare the new fingerprint with the PBX and trust it; otherwise someone may be intercepting the connection: do not continue.',
  PASSWORD_REQUIRED:
    'No password is stored for this PBX. Enter it to continue; it is kept only until the app closes.',
  RATE_LIMITED: 'The PBX asked to slow down. Wait about 15 seconds, then try again.',
  PROTOCOL_ERROR:
    'The PBX answered something unexpected. Check that the address points to the PBX web port and that the API generation in the profile is right.',
  RECORDING_GONE: 'The PBX no longer holds this recording, so it cannot be fetched.',
  CANCELLED: 'Cancelled.',
  DB_TOO_NEW:
    'The call cache was written by a newer version of this app. Update the app; this version will not modify that cache.',
  DB_ERROR: 'The call cache could not be read or written.',
  NOT_FOUND: 'Not found. It may have been removed; refresh the list.',
  INTERNAL: 'Something went wrong.',
};

function fingerprintFrom(details: Record<string, unknown> | undefined, key: string): string | null {
  const value = details?.[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function describeError(error: ApiErrorPayload): ErrorView {
  // A 401 from the web-mode server is about this page's token, not about a PBX.
  const fromWebServer = error.details?.http_status === 401;
  const plain = fromWebServer ? undefined : PLAIN_WORDS[error.code];
  // BAD_INPUT and BAD_FILE messages already name the value and say what to do.
  const text = plain ?? error.message;
  const detail = plain && error.message && error.message !== plain ? error.message : null;
  const view: ErrorView = { code: error.code, text, detail };
  const field = error.details?.field;
  if (error.code === 'BAD_INPUT' && typeof field === 'string' && (/^filter\.[a-z_]+$/.test(field) || /^[a-z_]+ filter: /.test(error.message))) {
    view.filterField = field.replace(/^filter\./, '');
    // The field's own words: neither the method refused ("Refused calls/page: filter.caller") nor the field's name again.
    view.text = text.replace(/^Refused [\w/]+: (filter\.)?[a-z_]+ /, '').replace(/^[a-z_]+ filter: /, '');
  }
  if (error.code === 'TLS_FINGERPRINT_MISMATCH') {
    const pinned = fingerprintFrom(error.details, 'expected');
    const presented = fingerprintFrom(error.details, 'actual');
    if (pinned && presented) view.fingerprints = { pinned, presented };
  }
  return view;
}
