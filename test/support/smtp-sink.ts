import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 (the smtp-server package) that keeps every message it accepted,
 * read back into subject, plain text and attachments; and a port nothing listens on. For the tests of
 * the watch's mail (test/watch/), which look at what a user's mailbox would get.
 */

export interface ReceivedMail {
  /** Envelope recipients, as the server took them. */
  to: string[];
  /** The login the client used, if any. */
  user: string | undefined;
  raw: string;
  subject: string;
  /** The text/plain part, decoded, with \n line ends. */
  text: string;
  attachments: { filename: string; content: Buffer }[];
}

export interface SmtpSink {
  port: number;
  url: string;
  /** Messages accepted (answered 250), in order. */
  received: ReceivedMail[];
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Require this login (AUTH PLAIN); any other is answered 535. */
  login?: { user: string; password: string };
  /**
   * Called once the whole message has arrived, before the server answers it: `accept()` records it and
   * answers 250. Default: accept at once. A test holds the message here to act at that moment.
   */
  onMessage?: (mail: ReceivedMail, accept: () => void) => void;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function parsePart(raw: string): Part {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function param(header: string | undefined, name: string): string | undefined {
  const m = new RegExp(`${name}="?([^";]+)"?`, 'i').exec(header ?? '');
  return m?.[1];
}

function decode(part: Part): Buffer {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const soft = part.body.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft[i] === '=' ? /^[0-9A-F]{2}$/i.exec(soft.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(parseInt(hex[0], 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i] as string, 'utf8'));
    }
    return Buffer.from(bytes);
  }
  return Buffer.from(part.body, 'utf8');
}

/** The leaves of a MIME message, multiparts walked through. */
function leaves(part: Part): Part[] {
  const type = part.headers.get('content-type') ?? 'text/plain';
  if (!/^multipart\//i.test(type)) return [part];
  const boundary = param(type, 'boundary');
  if (boundary === undefined) return [];
  const sections = part.body.split(`--${boundary}`).slice(1);
  return sections.filter((s) => !s.startsWith('--')).flatMap((s) => leaves(parsePart(s.replace(/^\r\n/, '').replace(/\r\n$/, ''))));
}

export function readMail(raw: string, to: string[], user: string | undefined): ReceivedMail {
  const top = parsePart(raw);
  const parts = leaves(top);
  const attachments = parts
    .filter((p) => /^attachment/i.test(p.headers.get('content-disposition') ?? ''))
    .map((p) => ({ filename: param(p.headers.get('content-disposition'), 'filename') ?? '', content: decode(p) }));
  const plain = parts.find((p) => /^text\/plain/i.test(p.headers.get('content-type') ?? 'text/plain') && !p.headers.has('content-disposition'));
  return { to, user, raw, subject: top.headers.get('subject') ?? '', text: plain ? decode(plain).toString('utf8').replace(/\r\n/g, '\n') : '', attachments };
}

function refusal(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const { login } = options;
  const server = new SMTPServer({
    logger: false,
    hideSTARTTLS: true,
    authOptional: login === undefined,
    disabledCommands: login === undefined ? ['AUTH'] : [],
    authMethods: ['PLAIN'],
    allowInsecureAuth: true,
    // A connection still open when the test ends (a client killed mid-session) is cut at once.
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (login !== undefined && auth.username === login.user && auth.password === login.password) callback(null, { user: login.user });
      else callback(refusal('Authentication credentials invalid', 535));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail = readMail(
          Buffer.concat(chunks).toString('utf8'),
          session.envelope.rcptTo.map((r) => r.address),
          typeof session.user === 'string' ? session.user : undefined,
        );
        const accept = () => {
          received.push(mail);
          callback();
        };
        if (options.onMessage) options.onMessage(mail, accept);
        else accept();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    port,
    url: `smtp://${login ? `${login.user}@` : ''}127.0.0.1:${port}`,
    received,
    close: () => (closing ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

/** A port nothing listens on: one the system just handed out and took back. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
