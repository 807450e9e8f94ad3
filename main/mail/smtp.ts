import { createTransport } from 'nodemailer';
import { AppError } from '../errors.js';
import { excerpt } from '../pbx/failures.js';

/**
 * Sending the watch's e-mail (docs/watch.md) through the user's own SMTP server. One message per call,
 * one connection per message: alerts and daily reports are a few messages a day, so a pool would only
 * hold a connection the server drops anyway. Every failure is one MAIL_FAILED line that says what
 * failed and what to check; the password never appears in it, nor in the URL it came from.
 */

export interface SmtpTarget {
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
}

const URL_FORMS = 'smtp://[user@]host[:port] (STARTTLS when the server offers it, port 587 by default) or smtps://[user@]host[:port] (TLS, port 465 by default)';
const DEFAULT_PORTS = { smtp: 587, smtps: 465 } as const;
/** A DNS name or IPv4 address; IPv6 comes bracketed and is checked by URL itself. */
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function badUrl(shown: string, why: string): AppError {
  return new AppError('BAD_INPUT', `The SMTP server "${shown}" ${why}: use ${URL_FORMS}.`, { smtp: shown });
}

/**
 * `smtp://[user@]host[:port]` or `smtps://[user@]host[:port]`. A user that is an e-mail address may be
 * written as is (`smtp://alerts@example.com@mail.example.com`) or with `%40`. A password in the URL is
 * refused: the URL ends up in settings, shell history and logs, the password only in an environment
 * variable or the keychain.
 */
export function parseSmtpUrl(url: string): SmtpTarget {
  const text = url.trim();
  if (text === '') throw new AppError('BAD_INPUT', `No SMTP server given: use ${URL_FORMS}.`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw badUrl(text, 'is not a URL');
  }
  if (parsed.password !== '') {
    // Named without its password, which must not reach a message, a log or the details.
    parsed.password = '';
    throw new AppError(
      'BAD_INPUT',
      `The SMTP server URL "${parsed.href}" contains a password: remove it from the URL and give the password apart (environment variable or keychain), never in the URL.`,
      { smtp: parsed.href },
    );
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'smtp' && scheme !== 'smtps') throw badUrl(text, `has the scheme "${scheme}:"`);
  const bracketed = parsed.hostname.startsWith('[') && parsed.hostname.endsWith(']');
  const host = bracketed ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (host === '') throw badUrl(text, 'names no host');
  if (!bracketed && !HOST.test(host)) throw badUrl(text, `has an invalid host "${host}"`);
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '' || parsed.hash !== '') {
    throw badUrl(text, 'has a path, query or fragment');
  }
  const port = parsed.port === '' ? DEFAULT_PORTS[scheme] : Number(parsed.port);
  if (port === 0) throw badUrl(text, 'has port 0');
  let user: string | null = null;
  if (parsed.username !== '') {
    try {
      user = decodeURIComponent(parsed.username);
    } catch {
      throw badUrl(text, 'has a user name that is not valid percent-encoding');
    }
  }
  return { secure: scheme === 'smtps', host, port, user };
}

export interface MailConfig {
  smtp: string;
  from: string;
  to: string[];
  password?: string | null;
  /** tests: trust this CA / self-signed cert */
  tls?: { rejectUnauthorized?: boolean; ca?: string };
}

/**
 * A bare address, `local@domain`: display names and lists are not taken, so a comma or a newline
 * pasted into a field cannot add a recipient or a header.
 */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function checkAddress(address: string, what: string): void {
  if (!ADDRESS.test(address)) {
    throw new AppError('BAD_INPUT', `The ${what} address "${address}" is not an e-mail address: write it like alerts@example.com.`, {
      address,
    });
  }
}

/** Checks from/to addresses (simple, clear messages) and the URL. */
export function checkMailConfig(config: MailConfig): void {
  parseSmtpUrl(config.smtp);
  if (config.from.trim() === '') throw new AppError('BAD_INPUT', 'No sender address given: write it like alerts@example.com.');
  checkAddress(config.from, 'sender');
  if (config.to.length === 0) throw new AppError('BAD_INPUT', 'No recipient given: add at least one address like it@example.com.');
  const seen = new Set<string>();
  for (const address of config.to) {
    checkAddress(address, 'recipient');
    if (seen.has(address.toLowerCase())) throw new AppError('BAD_INPUT', `The recipient ${address} is listed twice.`, { address });
    seen.add(address.toLowerCase());
  }
}

export interface MailMessage {
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: string | Buffer; contentType?: string }[];
}

/** Who the server took the message for; a rejected recipient beside accepted ones does not fail the send. */
export interface MailSent {
  accepted: string[];
  rejected: string[];
}

/**
 * Each of DNS, connecting and the greeting is cut after this long: a server that answers at all does
 * so within a second or two, and the watch loop must not hang on one that does not. Silence later in
 * the session is allowed twice as long (SILENCE_FACTOR), so a server that never greets is reported as
 * such rather than as one that stopped answering.
 */
export const MAIL_TIMEOUT_MS = 15_000;
const SILENCE_FACTOR = 2;

/** A nodemailer error as far as we read it (its fields are documented, the class is not exported). */
interface SmtpFailure extends Error {
  code?: string;
  originalCode?: string;
  timeoutType?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejected?: string[];
}

/** Node's certificate verification codes: "nobody this computer trusts vouches for the certificate". */
const UNTRUSTED_CERT = /CERT|SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|HOSTNAME_MISMATCH/;

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** What failed and what to check, without the leading "Sending mail through host:port failed". */
function explain(error: SmtpFailure, target: SmtpTarget, config: MailConfig, timeoutMs: number): string {
  const answer = error.response ? ` (the server answered "${excerpt(error.response, 200)}")` : '';
  const cause = error.originalCode ?? '';
  const causeText = `${cause} ${error.message}`;
  switch (error.code) {
    case 'ETIMEDOUT':
      switch (error.timeoutType) {
        case 'GREETING_TIMEOUT':
          return `the server accepted the connection but did not greet within ${seconds(timeoutMs)}: check the port, and that smtps:// is used for a TLS port (465) and smtp:// for 587 or 25`;
        case 'UPGRADE_TIMEOUT':
          return `the TLS handshake did not finish within ${seconds(timeoutMs)}: check the port and the scheme (smtps:// for 465, smtp:// for 587 or 25)`;
        case 'SOCKET_TIMEOUT':
          return `the server stopped answering for ${seconds(timeoutMs * SILENCE_FACTOR)}: check the server, then try again`;
        default:
          return `no connection within ${seconds(timeoutMs)}: check the host, the port and firewalls`;
      }
    case 'EDNS':
      return `the host name does not resolve (${cause || error.message}): check the host in the SMTP URL`;
    case 'ETLS':
    case 'ESOCKET':
    case 'ECONNECTION':
      if (cause === 'ECONNREFUSED') return 'nothing accepts connections on that port: check the host and the port in the SMTP URL';
      if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') return `the host name does not resolve (${cause}): check the host in the SMTP URL`;
      if (cause === 'EHOSTUNREACH' || cause === 'ENETUNREACH') return `no route to the host (${cause}): check the host and the network`;
      if (UNTRUSTED_CERT.test(causeText)) {
        return `the server's TLS certificate is not trusted (${cause || error.message}): check the host name, or have the server use a certificate this computer trusts`;
      }
      if (error.code === 'ETLS' || /SSL|TLS/i.test(causeText)) {
        return `the TLS connection failed (${cause || error.message}): smtps:// is for a port that speaks TLS at once (465), smtp:// for 587 or 25`;
      }
      return `the connection failed (${cause || error.message})${answer}: check the host and the port, then try again`;
    case 'EAUTH':
    case 'ENOAUTH':
      return `the server refused the login of "${target.user ?? ''}"${answer}: check the user in the SMTP URL and the password`;
    case 'EENVELOPE':
      if (error.command === 'MAIL FROM') {
        if (error.responseCode === 530) return `the server wants a login${answer}: put the user in the SMTP URL (smtp://user@host) and give the password`;
        return `the server refused the sender ${config.from}${answer}: check the sender address (many servers take only the login's own address)`;
      }
      if (error.command === 'RCPT TO') {
        const refused = error.rejected && error.rejected.length > 0 ? error.rejected : config.to;
        if (error.responseCode === 530) return `the server wants a login before it takes recipients${answer}: put the user in the SMTP URL and give the password`;
        return `the server refused the recipient${refused.length === 1 ? '' : 's'} ${refused.join(', ')}${answer}: check the recipient addresses`;
      }
      return `the server refused the message${answer}`;
    case 'EMESSAGE':
      return `the server refused the message${answer}: check its size limit and the addresses`;
    default:
      return `${error.message}${answer}`;
  }
}

/** Every form the password could take on the wire, cut out of a message as a last guard. */
function scrub(text: string, password: string | null | undefined): string {
  if (!password) return text;
  let out = text;
  for (const secret of [password, Buffer.from(password).toString('base64')]) out = out.split(secret).join('***');
  return out;
}

function mailFailed(error: unknown, target: SmtpTarget, config: MailConfig, timeoutMs: number): AppError {
  const failure: SmtpFailure = error instanceof Error ? error : new Error(String(error));
  const where = `${target.host}:${target.port}`;
  const line = `Sending mail through ${where} failed: ${explain(failure, target, config, timeoutMs)}.`;
  const details: Record<string, unknown> = { host: target.host, port: target.port };
  if (failure.code) details.cause = failure.originalCode ?? failure.code;
  if (failure.responseCode) details.response_code = failure.responseCode;
  if (failure.command && failure.command !== 'API') details.command = failure.command;
  return new AppError('MAIL_FAILED', scrub(line.replace(/\s+/g, ' '), config.password), details);
}

/**
 * Sends one message. Resolves with the recipients the server took; a recipient refused beside
 * accepted ones is in `rejected` (the others got the message, so sending again would only repeat it
 * to them). Everything else that goes wrong, including every recipient refused, rejects with one
 * MAIL_FAILED line.
 */
export async function sendMail(config: MailConfig, message: MailMessage, options: { timeoutMs?: number } = {}): Promise<MailSent> {
  checkMailConfig(config);
  const target = parseSmtpUrl(config.smtp);
  const timeoutMs = options.timeoutMs ?? MAIL_TIMEOUT_MS;
  if (target.user !== null && !config.password) {
    throw new AppError(
      'MAIL_FAILED',
      `Sending mail through ${target.host}:${target.port} needs the password of "${target.user}": none is stored. Give it (environment variable or keychain), or remove the user from the SMTP URL for a server without login.`,
      { host: target.host, port: target.port },
    );
  }
  const transport = createTransport({
    host: target.host,
    port: target.port,
    secure: target.secure,
    auth: target.user !== null ? { user: target.user, pass: config.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * SILENCE_FACTOR,
    dnsTimeout: timeoutMs,
    tls: config.tls ? { ...config.tls } : undefined,
    // Content is always given inline: an attachment must never be read from a path or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({
      from: { name: 'UCM CDR Viewer', address: config.from },
      to: config.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      attachments: message.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
    return { accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  } catch (error) {
    throw mailFailed(error, target, config, timeoutMs);
  } finally {
    transport.close();
  }
}
