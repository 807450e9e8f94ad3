import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkMailConfig, parseSmtpUrl, sendMail, type MailConfig } from '../../main/mail/smtp.js';
import { caught } from '../support/caught.js';

/**
 * sendMail against real SMTP servers on 127.0.0.1 (the smtp-server package): plain, with a login, with
 * STARTTLS or TLS on a self-signed certificate, refusing recipients; and against a closed port and a
 * server that never greets. Every server a test starts is stopped after it.
 */

const USER = 'alerts';
const PASSWORD = 'S3cret-Pa55word!';

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
}

interface TestSmtp {
  port: number;
  received: Received[];
}

interface SmtpOptions {
  /** Require a login with this mechanism. */
  auth?: 'PLAIN' | 'LOGIN';
  /** STARTTLS offered on a plain connection, or TLS from the first byte. */
  tls?: 'starttls' | 'implicit';
  /** Recipients answered 550. */
  refuse?: RegExp;
}

const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

let pems: { private: string; cert: string };

beforeAll(async () => {
  pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
});

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const config: SMTPServerOptions = {
    logger: false,
    secure: options.tls === 'implicit',
    hideSTARTTLS: options.tls === undefined,
    authOptional: options.auth === undefined,
    disabledCommands: options.auth === undefined ? ['AUTH'] : [],
    authMethods: options.auth ? [options.auth] : undefined,
    allowInsecureAuth: true,
    // Connections still open when a test ends are cut at once rather than after smtp-server's 30 s.
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(smtpError('Authentication credentials invalid', 535));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.test(address.address)) callback(smtpError(`No such mailbox <${address.address}>`, 550));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  };
  if (options.tls) Object.assign(config, { key: pems.private, cert: pems.cert });
  const server = new SMTPServer(config);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received };
}

/** A TCP server that takes connections and never says a word: an SMTP server that hangs. */
async function startSilent(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  stops.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(smtp: string, overrides: Partial<MailConfig> = {}): MailConfig {
  return { smtp, from: 'ucm@example.com', to: ['it@example.com'], ...overrides };
}

const MESSAGE = { subject: 'Test alert from the watch', text: 'Three calls to premium numbers.' };

/** Headers as one line each (RFC 5322 folds long ones). */
function unfolded(raw: string): string {
  return raw.replace(/\r\n[ \t]+/g, ' ');
}

/** A single-line message that names neither the password nor its base64 form. */
function expectClean(message: string): void {
  expect(message).not.toContain('\n');
  expect(message).not.toContain(PASSWORD);
  expect(message).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  expect(message).not.toContain(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'));
}

describe('SMTP URLs', () => {
  it('reads smtp:// with STARTTLS on port 587 and smtps:// with TLS on 465 by default', () => {
    expect(parseSmtpUrl('smtp://mail.example.com')).toEqual({ secure: false, host: 'mail.example.com', port: 587, user: null });
    expect(parseSmtpUrl('smtps://mail.example.com')).toEqual({ secure: true, host: 'mail.example.com', port: 465, user: null });
    expect(parseSmtpUrl('smtp://relay@10.0.0.5:25')).toEqual({ secure: false, host: '10.0.0.5', port: 25, user: 'relay' });
    expect(parseSmtpUrl('smtps://[2001:db8::1]:2465')).toEqual({ secure: true, host: '2001:db8::1', port: 2465, user: null });
  });

  it('takes a user that is an e-mail address, written as is or with %40', () => {
    expect(parseSmtpUrl('smtp://alerts@example.com@mail.example.com').user).toBe('alerts@example.com');
    expect(parseSmtpUrl('smtp://alerts%40example.com@mail.example.com:2525').user).toBe('alerts@example.com');
  });

  it('refuses a password in the URL without repeating it', () => {
    const error = (() => {
      try {
        parseSmtpUrl('smtp://alerts:hunter2secret@mail.example.com');
      } catch (e) {
        return e as Error & { code: string; details: unknown };
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/contains a password/);
    expect(error.message).toContain('smtp://alerts@mail.example.com');
    expect(error.message).not.toContain('hunter2secret');
    expect(JSON.stringify(error.details)).not.toContain('hunter2secret');
  });

  it.each([
    ['https://mail.example.com', /scheme "https:"/],
    ['mail.example.com', /scheme|not a URL/],
    ['smtp://', /no host|not a URL/],
    ['smtp://mail.example.com/inbox', /path/],
    ['smtp://mail.example.com:0', /port 0/],
    ['smtp://mail.example.com:99999', /not a URL/],
    ['', /No SMTP server/],
  ])('refuses %j naming the value and the accepted forms', (url, why) => {
    expect(() => parseSmtpUrl(url)).toThrow(why);
    expect(() => parseSmtpUrl(url)).toThrow(/smtp:\/\/\[user@\]host\[:port\].*smtps:\/\//);
  });
});

describe('mail settings', () => {
  it('accepts plain addresses', () => {
    expect(() => checkMailConfig(config('smtp://mail.example.com', { to: ['a@example.com', 'b@example.org'] }))).not.toThrow();
  });

  it.each([
    [{ from: '' }, /No sender/],
    [{ from: 'alerts' }, /sender address "alerts" is not an e-mail address/],
    [{ to: [] }, /No recipient/],
    [{ to: ['a@example.com, b@example.com'] }, /recipient address .* is not an e-mail address/],
    [{ to: ['a@example.com\r\nBcc: x@example.com'] }, /not an e-mail address/],
    [{ to: ['a@example.com', 'A@example.com'] }, /listed twice/],
    [{ smtp: 'ftp://mail.example.com' }, /scheme/],
  ])('refuses %j', (overrides, why) => {
    expect(() => checkMailConfig(config('smtp://mail.example.com', overrides))).toThrow(why);
  });
});

describe('sending mail', () => {
  it('delivers one message to several recipients without a login', async () => {
    const server = await startSmtp();
    const to = ['it@example.com', 'boss@example.com', 'night-shift@example.org'];
    const sent = await sendMail(config(`smtp://127.0.0.1:${server.port}`, { to }), MESSAGE);
    expect(sent).toEqual({ accepted: to, rejected: [] });
    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail.from).toBe('ucm@example.com');
    expect(mail.to).toEqual(to);
    const headers = unfolded(mail.raw);
    expect(headers).toContain(`Subject: ${MESSAGE.subject}`);
    expect(headers).toMatch(/^From: "?UCM CDR Viewer"? <ucm@example\.com>/m);
    expect(headers).toContain('To: it@example.com, boss@example.com, night-shift@example.org');
    expect(mail.raw).toContain(MESSAGE.text);
  });

  it('sends the HTML part and attachments', async () => {
    const server = await startSmtp();
    const csv = 'Session,Caller Number\r\n1741000000.1,1000\r\n';
    await sendMail(config(`smtp://127.0.0.1:${server.port}`), {
      ...MESSAGE,
      html: '<p>Three calls</p>',
      attachments: [{ filename: 'calls-2025-03-03.csv', content: csv, contentType: 'text/csv; charset=utf-8' }],
    });
    const headers = unfolded(server.received[0].raw);
    expect(headers).toMatch(/Content-Type: text\/html/);
    expect(headers).toMatch(/Content-Type: text\/csv; charset=utf-8; name="?calls-2025-03-03\.csv"?/);
    expect(headers).toMatch(/Content-Disposition: attachment; filename="?calls-2025-03-03\.csv"?/);
  });

  it.each(['PLAIN', 'LOGIN'] as const)('logs in with AUTH %s', async (mechanism) => {
    const server = await startSmtp({ auth: mechanism });
    await sendMail(config(`smtp://${USER}@127.0.0.1:${server.port}`, { password: PASSWORD }), MESSAGE);
    expect(server.received.map((m) => m.user)).toEqual([USER]);
  });

  it('upgrades with STARTTLS when the server offers it, trusting the given certificate', async () => {
    const server = await startSmtp({ tls: 'starttls', auth: 'PLAIN' });
    await sendMail(config(`smtp://${USER}@127.0.0.1:${server.port}`, { password: PASSWORD, tls: { ca: pems.cert } }), MESSAGE);
    expect(server.received).toHaveLength(1);
  });

  it('speaks TLS from the start with smtps://', async () => {
    const server = await startSmtp({ tls: 'implicit', auth: 'LOGIN' });
    await sendMail(config(`smtps://${USER}@127.0.0.1:${server.port}`, { password: PASSWORD, tls: { ca: pems.cert } }), MESSAGE);
    expect(server.received).toHaveLength(1);
  });

  it('refuses a self-signed certificate nobody trusts, in one line', async () => {
    const server = await startSmtp({ tls: 'starttls' });
    const error = await caught(sendMail(config(`smtp://127.0.0.1:${server.port}`), MESSAGE));
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toMatch(new RegExp(`^Sending mail through 127\\.0\\.0\\.1:${server.port} failed: the server's TLS certificate is not trusted`));
    expect(error.message).not.toContain('\n');
    expect(server.received).toHaveLength(0);
  });

  it('says a wrong password in one line that names the user and the answer, never the password', async () => {
    const server = await startSmtp({ auth: 'PLAIN' });
    const wrong = { ...config(`smtp://${USER}@127.0.0.1:${server.port}`), password: `${PASSWORD}x` };
    const error = await caught(sendMail(wrong, MESSAGE));
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toMatch(/refused the login of "alerts".*535.*check the user in the SMTP URL and the password/);
    expectClean(error.message);
    expect(error.message).not.toContain(wrong.password);
    expect(JSON.stringify(error.details)).not.toContain(PASSWORD);
    expect(error.details).toMatchObject({ host: '127.0.0.1', port: server.port, response_code: 535 });
  });

  it('says that a login is needed when the server wants one and the URL names no user', async () => {
    const server = await startSmtp({ auth: 'PLAIN' });
    const error = await caught(sendMail(config(`smtp://127.0.0.1:${server.port}`), MESSAGE));
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toMatch(/wants a login.*530/);
  });

  it('asks for the password when the URL names a user and none is given, before connecting', async () => {
    const error = await caught(sendMail(config(`smtp://${USER}@127.0.0.1:${await closedPort()}`), MESSAGE));
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toMatch(/needs the password of "alerts"/);
  });

  it('fails fast with a clear line when nothing listens on the port', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await caught(sendMail(config(`smtp://127.0.0.1:${port}`), MESSAGE));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toBe(
      `Sending mail through 127.0.0.1:${port} failed: nothing accepts connections on that port: check the host and the port in the SMTP URL.`,
    );
    expect(error.details).toMatchObject({ cause: 'ECONNREFUSED' });
  });

  it('gives up on a server that never greets after the timeout', async () => {
    const port = await startSilent();
    const started = Date.now();
    const error = await caught(sendMail(config(`smtp://127.0.0.1:${port}`), MESSAGE, { timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toMatch(/did not greet within 300 ms: check the port, and that smtps:\/\/ is used for a TLS port/);
    expect(error.message).not.toContain('\n');
  });

  it('says that smtps:// met a port without TLS', async () => {
    const server = await startSmtp();
    const error = await caught(sendMail(config(`smtps://127.0.0.1:${server.port}`), MESSAGE, { timeoutMs: 2_000 }));
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toMatch(/TLS .*smtps:\/\/ is for a port that speaks TLS at once \(465\)/);
    expect(error.message).not.toContain('\n');
  });

  it('fails in one line naming the address when the server refuses every recipient', async () => {
    const server = await startSmtp({ refuse: /^nobody@/ });
    const error = await caught(sendMail(config(`smtp://127.0.0.1:${server.port}`, { to: ['nobody@example.com'] }), MESSAGE));
    expect(error.code).toBe('MAIL_FAILED');
    expect(error.message).toMatch(/refused the recipient nobody@example\.com \(the server answered "550 No such mailbox.*check the recipient addresses\.$/);
    expect(error.message).not.toContain('\n');
    expect(server.received).toHaveLength(0);
  });

  it('delivers to the recipients the server takes and returns the ones it refused', async () => {
    const server = await startSmtp({ refuse: /^nobody@/ });
    const sent = await sendMail(config(`smtp://127.0.0.1:${server.port}`, { to: ['it@example.com', 'nobody@example.com'] }), MESSAGE);
    expect(sent).toEqual({ accepted: ['it@example.com'], rejected: ['nobody@example.com'] });
    expect(server.received.map((m) => m.to)).toEqual([['it@example.com']]);
  });
});
