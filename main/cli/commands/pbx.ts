import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PbxProfile, PbxTestResult } from '../../../preload/api.js';
import { defaultTimeZone } from '../../cdr/time.js';
import { AppError } from '../../errors.js';
import type { PbxConnection } from '../../pbx/client.js';
import { fingerprintMismatch, normalizeFingerprint, probeCertificate } from '../../pbx/tls.js';
import { parsePbxUrl } from '../../pbx/url.js';
import type { Store } from '../../store/types.js';
import { type CliContext, requirePbx, withStore } from '../context.js';
import { renderTable } from '../format.js';
import { writeText } from '../io.js';
import { obtainPassword } from '../password.js';
import { choice, parseExistingFile, parseName, parseZone } from '../options.js';

interface TrustOptions {
  fingerprint?: string;
  trustOnFirstUse?: boolean;
}

interface AddOptions extends TrustOptions {
  url: string;
  user: string;
  api: 'auto' | 'legacy' | 'ucm63xx';
  tz?: string;
  model?: string;
  caFile?: string;
  passwordEnv?: string;
}

/**
 * The fingerprint to pin after looking at the certificate the PBX presents now: the one the user
 * compared (--fingerprint, refused on mismatch), the one seen (--trust-on-first-use), none when the
 * system already trusts the certificate; otherwise the user is told to compare and choose.
 */
async function decidePin(ctx: CliContext, url: string, o: TrustOptions): Promise<{ pin: string | null; seen: string }> {
  const certificate = await probeCertificate(url, ctx.io.signal);
  if (o.fingerprint !== undefined) {
    if (certificate.fingerprint !== o.fingerprint) throw fingerprintMismatch(o.fingerprint, certificate.fingerprint);
    return { pin: o.fingerprint, seen: certificate.fingerprint };
  }
  if (o.trustOnFirstUse) return { pin: certificate.fingerprint, seen: certificate.fingerprint };
  if (certificate.trusted) return { pin: null, seen: certificate.fingerprint };
  throw new AppError(
    'TLS_UNTRUSTED',
    `The PBX certificate is not trusted yet: SHA-256 ${certificate.fingerprint} (subject ${certificate.subject}). ` +
      `Compare it with the fingerprint the PBX shows, then re-run with --fingerprint ${certificate.fingerprint} ` +
      'or with --trust-on-first-use.',
    { certificate },
  );
}

function pbxLine(p: PbxProfile): string {
  return `${p.name} (${p.url}, user ${p.user}, API ${p.detected_api ?? p.api}, zone ${p.tz})`;
}

/** Connects with the password; a failure (certificate, network, credentials) is thrown as is. */
async function checkCredentials(
  ctx: CliContext,
  name: string,
  conn: PbxConnection,
  passwordEnv: string | undefined,
): Promise<PbxTestResult> {
  const password = await obtainPassword(ctx.io, passwordEnv, `Password for ${conn.user} on ${name}: `);
  const { testConnection } = await import('../../pbx/connect.js');
  const result = await testConnection(conn, password, { signal: ctx.io.signal });
  if (result.error) throw new AppError(result.error.code, result.error.message, result.error.details);
  return result;
}

async function addPbx(ctx: CliContext, name: string, o: AddOptions): Promise<void> {
  parsePbxUrl(o.url);
  if (o.user.trim() === '') throw new AppError('BAD_INPUT', '--user must not be empty: give the API user configured on the PBX.');
  await withStore(ctx, 'write', async (store) => {
    if (store.getPbxByName(name)) {
      throw new AppError('BAD_INPUT', `A PBX named "${name}" exists already: pick another name or remove it first.`, { name });
    }
    const trusted = o.caFile !== undefined && o.fingerprint === undefined && !o.trustOnFirstUse;
    const { pin, seen } = trusted ? { pin: null, seen: null } : await decidePin(ctx, o.url, o);
    const draft = {
      name,
      kind: 'pbx' as const,
      url: o.url.trim(),
      api: o.api,
      user: o.user.trim(),
      tz: o.tz ?? defaultTimeZone(),
      model: o.model ?? '',
      fingerprint: pin,
      ca_file: o.caFile === undefined ? null : resolve(o.caFile),
    };
    const detected =
      o.passwordEnv === undefined ? null : (await checkCredentials(ctx, name, draft, o.passwordEnv)).detected_api;
    const profile = store.savePbx({ ...draft, detected_api: detected });
    const lines = [`Added PBX ${pbxLine(profile)}.`];
    if (pin) lines.push(`Pinned certificate SHA-256 ${pin}.`);
    else if (seen) lines.push(`Certificate SHA-256 ${seen} is trusted by this system.`);
    else lines.push(`Certificates are checked against ${o.caFile}.`);
    if (detected) lines.push(`Credentials accepted; API generation ${detected}.`);
    await writeText(ctx.io.stdout, `${lines.join('\n')}\n`);
  });
}

function listText(profiles: PbxProfile[]): string {
  if (profiles.length === 0) return 'No PBX profiles yet: add one with "ucmcdr pbx add".\n';
  return renderTable(
    [
      { header: 'NAME', value: (p: PbxProfile) => p.name },
      { header: 'URL', value: (p) => (p.kind === 'import' ? '(imported files)' : p.url), max: 48 },
      { header: 'API', value: (p) => (p.kind === 'import' ? '' : (p.detected_api ?? p.api)) },
      { header: 'USER', value: (p) => p.user },
      { header: 'ZONE', value: (p) => p.tz },
      { header: 'CALLS', value: (p) => String(p.calls), align: 'right' },
      { header: 'LAST SYNC', value: (p) => (p.last_sync_at ? `${p.last_sync_at} ${p.last_sync_state}` : p.last_sync_state) },
      { header: 'CERTIFICATE', value: (p) => p.fingerprint ?? (p.ca_file ? `CA ${p.ca_file}` : ''), max: 95 },
    ],
    profiles,
  );
}

function trustOptions(command: Command): Command {
  return command
    .option('--fingerprint <sha256>', 'pin this certificate SHA-256 fingerprint (refused if the PBX shows another)', normalizeFingerprint)
    .option('--trust-on-first-use', 'pin the certificate the PBX presents now (and print it)')
    .hook('preAction', (cmd) => {
      const o = cmd.opts<TrustOptions>();
      if (o.fingerprint !== undefined && o.trustOnFirstUse) {
        throw new AppError('BAD_INPUT', 'Give either --fingerprint or --trust-on-first-use, not both.');
      }
    });
}

/** A profile of a real (or simulated) PBX: the "Imported" source has no PBX to reach. */
function requireRealPbx(store: Store, name: string): PbxProfile {
  const profile = requirePbx(store, name);
  if (profile.kind === 'import') {
    throw new AppError('BAD_INPUT', `"${profile.name}" is the source of imported files, not a PBX.`, { name });
  }
  return profile;
}

export function registerPbx(program: Command, context: () => CliContext): void {
  const pbx = program.command('pbx').description('Manage PBX profiles (no password is ever stored by the CLI).');

  trustOptions(
    pbx
      .command('add')
      .description('Add a PBX profile after checking its certificate.')
      .argument('<name>', 'a name for the PBX, e.g. office', parseName)
      .requiredOption('--url <url>', 'the PBX API address, e.g. https://192.168.1.10:8443')
      .requiredOption('--user <user>', 'the API user configured on the PBX')
      .option('--api <generation>', 'auto, legacy (UCM61xx/62xx/65xx cdrapi) or ucm63xx (/api)', choice(['auto', 'legacy', 'ucm63xx'] as const), 'auto')
      .option('--tz <zone>', 'the PBX time zone, IANA name (default: this computer\'s)', parseZone)
      .option('--model <model>', 'the PBX model, e.g. UCM6304')
      .option('--ca-file <file>', 'trust certificates signed by this CA (PEM) instead of pinning one', parseExistingFile)
      .option('--password-env <var>', 'also check the credentials now, with the password from this environment variable'),
  )
    .addHelpText(
      'after',
      `
Without --fingerprint or --trust-on-first-use, an untrusted certificate is shown and nothing is saved:
compare the fingerprint with the one the PBX shows, then re-run with one of the two.

Examples:
  ucmcdr pbx add office --url https://192.168.1.10:8443 --user cdrapi --tz Europe/Berlin --trust-on-first-use
  ucmcdr pbx add branch --url https://pbx.example.net:8443 --user cdrapi --fingerprint AB:CD:...:EF
  UCM_PASSWORD=secret ucmcdr pbx add lab --url https://10.0.0.2 --user api --api ucm63xx --trust-on-first-use --password-env UCM_PASSWORD`,
    )
    .action(async (name: string, o: AddOptions) => addPbx(context(), name, o));

  pbx
    .command('list')
    .description('List PBX profiles with their sync state and pinned certificate.')
    .option('--format <format>', 'table or json', choice(['table', 'json'] as const), 'table')
    .addHelpText('after', '\nExamples:\n  ucmcdr pbx list\n  ucmcdr pbx list --format json')
    .action(async (o: { format: 'table' | 'json' }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const profiles = store.listPbx();
        await writeText(ctx.io.stdout, o.format === 'json' ? `${JSON.stringify(profiles, null, 2)}\n` : listText(profiles));
      });
    });

  pbx
    .command('remove')
    .description('Remove a PBX profile (or the "Imported" source) and every cached call, leg and recording state of it.')
    .argument('<name>', 'the profile name', parseName)
    .addHelpText('after', '\nExample:\n  ucmcdr pbx remove office')
    .action(async (name: string) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const profile = requirePbx(store, name);
        store.removePbx(profile.id);
        const what = profile.kind === 'import' ? 'the source of imported files' : 'PBX';
        await writeText(ctx.io.stdout, `Removed ${what} ${profile.name} and its ${profile.calls} cached calls.\n`);
      });
    });

  pbx
    .command('test')
    .description('Connect to a PBX: certificate, API generation and credentials.')
    .argument('<name>', 'the profile name', parseName)
    .option('--password-env <var>', 'environment variable holding the password (else prompted on a terminal)')
    .addHelpText('after', '\nExamples:\n  ucmcdr pbx test office\n  UCM_PASSWORD=secret ucmcdr pbx test office --password-env UCM_PASSWORD')
    .action(async (name: string, o: { passwordEnv?: string }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const profile = requireRealPbx(store, name);
        const result = await checkCredentials(ctx, profile.name, profile, o.passwordEnv);
        if (result.detected_api && result.detected_api !== profile.detected_api) {
          store.savePbx({ ...profile, detected_api: result.detected_api });
        }
        await writeText(ctx.io.stdout, `OK: ${profile.name} accepted the credentials (API ${result.detected_api ?? profile.api}).\n`);
      });
    });

  trustOptions(
    pbx
      .command('trust')
      .description('Pin the certificate of an existing PBX profile again (e.g. after the PBX got a new one).')
      .argument('<name>', 'the profile name', parseName),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  ucmcdr pbx trust office --fingerprint AB:CD:...:EF\n  ucmcdr pbx trust office --trust-on-first-use',
    )
    .action(async (name: string, o: TrustOptions) => {
      const ctx = context();
      if (o.fingerprint === undefined && !o.trustOnFirstUse) {
        throw new AppError('BAD_INPUT', 'pbx trust needs --fingerprint SHA256 or --trust-on-first-use.');
      }
      await withStore(ctx, 'write', async (store) => {
        const profile = requireRealPbx(store, name);
        const { pin } = await decidePin(ctx, profile.url, o);
        store.savePbx({ ...profile, fingerprint: pin });
        await writeText(ctx.io.stdout, `Pinned certificate SHA-256 ${pin} for ${profile.name}.\n`);
      });
    });
}
