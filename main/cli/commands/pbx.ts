import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PbxProfile, PbxTestResult } from '../../../preload/api.js';
import { defaultTimeZone } from '../../cdr/time.js';
import { AppError, toAppError } from '../../errors.js';
import type { PbxConnection } from '../../pbx/client.js';
import { saveDetectedApi } from '../../pbx/detected-api.js';
import { fingerprintMismatch, normalizeFingerprint, probeCertificate } from '../../pbx/tls.js';
import { parsePbxUrl } from '../../pbx/url.js';
import type { Store } from '../../store/types.js';
import { type CliContext, requirePbx, requireRealPbx, shellWord, withStore, withTrustHint } from '../context.js';
import { localTime, renderTable } from '../format.js';
import { writeText } from '../io.js';
import { obtainPassword } from '../password.js';
import { choice, parseDialPlanDigits, parseExistingFile, parseName, parseZone } from '../options.js';
import { dialPlanText, rerateNow } from './rates.js';

const DIAL_PLAN_FIELDS = ['country_code', 'national_prefix', 'international_prefix'] as const;

const APIS = ['auto', 'legacy', 'ucm63xx'] as const;

interface TrustOptions {
  fingerprint?: string;
  trustOnFirstUse?: boolean;
}

interface AddOptions extends TrustOptions {
  url?: string;
  user?: string;
  importOnly?: boolean;
  api: 'auto' | 'legacy' | 'ucm63xx';
  tz?: string;
  model?: string;
  caFile?: string;
  passwordEnv?: string;
}

/**
 * The fingerprint to pin after looking at the certificate the PBX presents now: the one the user
 * compared (--fingerprint, refused on mismatch), the one seen (--trust-on-first-use, once the server
 * answered as a UCM API over a connection to that very certificate), none when the system already
 * trusts the certificate; otherwise the user is told to compare and choose. `kept` says what stays
 * when a server that is not a UCM is refused.
 */
async function decidePin(
  ctx: CliContext,
  conn: Pick<PbxConnection, 'url' | 'api' | 'user' | 'ca_file'>,
  o: TrustOptions,
  kept: string,
): Promise<{ pin: string | null; seen: string }> {
  const certificate = await probeCertificate(conn.url, ctx.io.signal);
  if (o.fingerprint !== undefined) {
    if (certificate.fingerprint !== o.fingerprint) throw fingerprintMismatch(o.fingerprint, certificate.fingerprint);
    return { pin: o.fingerprint, seen: certificate.fingerprint };
  }
  if (o.trustOnFirstUse) {
    const { identifyUcmApi } = await import('../../pbx/identify.js');
    try {
      await identifyUcmApi({ ...conn, fingerprint: certificate.fingerprint }, ctx.io.signal);
    } catch (error) {
      const failure = toAppError(error);
      if (failure.code !== 'PROTOCOL_ERROR') throw error;
      throw new AppError(failure.code, `${failure.message} ${kept}`, failure.details);
    }
    return { pin: certificate.fingerprint, seen: certificate.fingerprint };
  }
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

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function callsText(n: number): string {
  return `${count(n)} cached call${n === 1 ? '' : 's'}`;
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

/** The options given on the command line among `names` (not those left at their default). */
function given(command: Command, names: string[]): string[] {
  return names.filter((n) => command.getOptionValueSource(n) === 'cli');
}

function optionFlag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

async function addImportSource(ctx: CliContext, name: string, o: AddOptions, command: Command): Promise<void> {
  const connection = given(command, ['url', 'user', 'api', 'caFile', 'fingerprint', 'trustOnFirstUse', 'passwordEnv']);
  if (connection.length > 0) {
    throw new AppError(
      'BAD_INPUT',
      `--import-only makes a source without an address: leave out ${connection.map(optionFlag).join(', ')}.`,
    );
  }
  await withStore(ctx, 'write', async (store) => {
    if (store.profiles.getByName(name)) {
      throw new AppError('BAD_INPUT', `A PBX named "${name}" exists already: pick another name or remove it first.`, { name });
    }
    const tz = o.tz ?? defaultTimeZone();
    store.profiles.save({ name, kind: 'import', url: '', api: 'auto', user: '', tz, model: o.model ?? '' });
    await writeText(
      ctx.io.stdout,
      `Added import-only source ${name} (zone ${tz}${o.model ? `, model ${o.model}` : ''}).
` +
        `Import its history with "ucmcdr import --pbx ${shellWord(name)} FILE...".
`,
    );
  });
}

async function addPbx(ctx: CliContext, name: string, o: AddOptions, command: Command): Promise<void> {
  if (o.importOnly) return addImportSource(ctx, name, o, command);
  if (o.url === undefined || o.user === undefined) {
    throw new AppError(
      'BAD_INPUT',
      'pbx add needs --url and --user (or --import-only, for history of a PBX that cannot be reached).',
    );
  }
  parsePbxUrl(o.url);
  if (o.user.trim() === '') throw new AppError('BAD_INPUT', '--user must not be empty: give the API user configured on the PBX.');
  const url = o.url;
  const user = o.user;
  await withStore(ctx, 'write', async (store) => {
    if (store.profiles.getByName(name)) {
      throw new AppError('BAD_INPUT', `A PBX named "${name}" exists already: pick another name or remove it first.`, { name });
    }
    const trusted = o.caFile !== undefined && o.fingerprint === undefined && !o.trustOnFirstUse;
    const { pin, seen } = trusted
      ? { pin: null, seen: null }
      : await decidePin(ctx, { url, api: o.api, user, ca_file: null }, o, 'Nothing was saved and no certificate was pinned.');
    const draft = {
      name,
      kind: 'pbx' as const,
      url: url.trim(),
      api: o.api,
      user: user.trim(),
      tz: o.tz ?? defaultTimeZone(),
      model: o.model ?? '',
      fingerprint: pin,
      ca_file: o.caFile === undefined ? null : resolve(o.caFile),
    };
    const detected =
      o.passwordEnv === undefined ? null : (await checkCredentials(ctx, name, draft, o.passwordEnv)).detected_api;
    const profile = store.profiles.save({ ...draft, detected_api: detected });
    const lines = [`Added PBX ${pbxLine(profile)}.`];
    if (pin) lines.push(`Pinned certificate SHA-256 ${pin}.`);
    else if (seen) lines.push(`Certificate SHA-256 ${seen} is trusted by this system.`);
    else lines.push(`Certificates are checked against ${o.caFile}.`);
    if (detected) lines.push(`Credentials accepted; API generation ${detected}.`);
    await writeText(ctx.io.stdout, `${lines.join('\n')}\n`);
  });
}

function sourceText(p: PbxProfile): string {
  if (p.kind === 'pbx') return p.url;
  return p.default_source ? '(import only: default for files)' : '(import only: no address)';
}

function listText(profiles: PbxProfile[]): string {
  if (profiles.length === 0) return 'No PBX profiles yet: add one with "ucmcdr pbx add".\n';
  return renderTable(
    [
      { header: 'NAME', value: (p: PbxProfile) => p.name },
      { header: 'URL', value: sourceText, max: 48 },
      { header: 'API', value: (p) => (p.kind === 'import' ? '' : (p.detected_api ?? p.api)) },
      { header: 'USER', value: (p) => p.user },
      { header: 'ZONE', value: (p) => p.tz },
      { header: 'CALLS', value: (p) => String(p.calls), align: 'right' },
      {
        header: 'LAST SYNC',
        value: (p) => (p.kind === 'import' ? '' : p.last_sync_at ? `${localTime(p.last_sync_at)} ${p.last_sync_state}` : p.last_sync_state),
      },
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

interface SetOptions {
  url?: string;
  user?: string;
  api?: 'auto' | 'legacy' | 'ucm63xx';
  tz?: string;
  model?: string;
  caFile?: string;
  rename?: string;
  countryCode?: string;
  nationalPrefix?: string;
  internationalPrefix?: string;
  businessHours?: string;
  syncEvery?: number;
}

const SET_OPTIONS = [
  'url',
  'user',
  'api',
  'tz',
  'model',
  'caFile',
  'rename',
  'countryCode',
  'nationalPrefix',
  'internationalPrefix',
  'businessHours',
  'syncEvery',
] as const;
const ADDRESS_OPTIONS = ['url', 'user', 'api', 'caFile'] as const;

/**
 * Changes what was given and nothing else. The pinned certificate stays with a new address: the
 * first connection to a server showing another one fails with the mismatch error that points to
 * "pbx trust". A new zone re-times the profile's calls in the same transaction as the profile.
 */
async function setPbx(ctx: CliContext, name: string, o: SetOptions): Promise<void> {
  if (!SET_OPTIONS.some((key) => o[key] !== undefined)) {
    throw new AppError(
      'BAD_INPUT',
      'pbx set needs at least one of --url, --user, --api, --tz, --model, --ca-file, --rename, --country-code, --national-prefix, --international-prefix, --business-hours, --sync-every.',
    );
  }
  if (o.url !== undefined) parsePbxUrl(o.url);
  if (o.user !== undefined && o.user.trim() === '') {
    throw new AppError('BAD_INPUT', '--user must not be empty: give the API user configured on the PBX.');
  }
  await withStore(ctx, 'write', async (store) => {
    const profile = requirePbx(store, name);
    const addressed = ADDRESS_OPTIONS.filter((key) => o[key] !== undefined);
    if (profile.kind === 'import' && addressed.length > 0) {
      throw new AppError(
        'BAD_INPUT',
        `"${profile.name}" is an import-only source: it has no address, user, API or certificate ` +
          `(${addressed.map(optionFlag).join(', ')} do not apply); only --tz, --model, --rename and the dial plan do.`,
        { name },
      );
    }
    const newName = o.rename ?? profile.name;
    const taken = newName === profile.name ? null : store.profiles.getByName(newName);
    if (taken) {
      throw new AppError('BAD_INPUT', `A PBX named "${newName}" exists already: pick another name for --rename.`, { name: newName });
    }
    const url = o.url?.trim() ?? profile.url;
    const api = o.api ?? profile.api;
    const sameConnection = url === profile.url && api === profile.api;
    const tz = o.tz ?? profile.tz;
    const retime = tz !== profile.tz && profile.calls > 0;
    if (retime) {
      await writeText(ctx.io.stderr, `Re-timing ${callsText(profile.calls)} of ${profile.name} from ${profile.tz} to ${tz}…\n`);
    }
    const saved = store.profiles.save({
      id: profile.id,
      name: newName,
      kind: profile.kind,
      url,
      api,
      detected_api: sameConnection ? profile.detected_api : null,
      user: o.user?.trim() ?? profile.user,
      tz,
      model: o.model ?? profile.model,
      // A CA file is the user's choice of trust instead of a pin, which would otherwise take precedence.
      fingerprint: o.caFile === undefined ? profile.fingerprint : null,
      ca_file: o.caFile === undefined ? profile.ca_file : resolve(o.caFile),
      country_code: o.countryCode,
      national_prefix: o.nationalPrefix,
      international_prefix: o.internationalPrefix,
      business_hours: o.businessHours,
      sync_every: o.syncEvery,
    });
    const lines: string[] = [];
    if (saved.name !== profile.name) lines.push(`renamed to ${saved.name}`);
    if (saved.url !== profile.url) {
      lines.push(
        `address ${saved.url}` +
          (saved.fingerprint ? ` (the pinned certificate stays: if the PBX there shows another one, run "ucmcdr pbx trust ${shellWord(saved.name)}")` : ''),
      );
    }
    if (saved.user !== profile.user) lines.push(`user ${saved.user}`);
    if (saved.api !== profile.api) lines.push(`API ${saved.api}`);
    if (saved.tz !== profile.tz) {
      lines.push(`zone ${profile.tz} -> ${saved.tz}` + (retime ? ` (${callsText(profile.calls)} re-timed)` : ''));
    }
    if (saved.model !== profile.model) lines.push(`model ${saved.model === '' ? '(none)' : saved.model}`);
    if (o.caFile !== undefined) {
      lines.push(`certificates checked against ${saved.ca_file}${profile.fingerprint ? ' (the pinned certificate is dropped)' : ''}`);
    }
    const dialPlanChanged = DIAL_PLAN_FIELDS.some((field) => saved[field] !== profile[field]);
    if (dialPlanChanged) lines.push(`dial plan ${dialPlanText(saved)}`);
    if (saved.business_hours !== profile.business_hours) lines.push(`business hours ${saved.business_hours}`);
    if (saved.sync_every !== profile.sync_every) lines.push(saved.sync_every === 0 ? 'automatic sync off' : `automatic sync every ${saved.sync_every} min`);
    const what = lines.length === 0 ? 'nothing changed' : lines.join('; ');
    await writeText(ctx.io.stdout, `Updated ${profile.name}: ${what}.\n`);
    if (dialPlanChanged) await rerateNow(ctx, store);
  });
}

interface RemoveOptions {
  deleteCalls?: boolean;
  keepCalls?: boolean;
}

async function removePbx(ctx: CliContext, name: string, o: RemoveOptions): Promise<void> {
  if (o.deleteCalls && o.keepCalls) throw new AppError('BAD_INPUT', 'Give either --delete-calls or --keep-calls, not both.');
  await withStore(ctx, 'write', async (store: Store) => {
    const profile = requirePbx(store, name);
    const isImport = profile.kind === 'import';
    if (profile.calls > 0 && !o.deleteCalls && !o.keepCalls) {
      throw new AppError(
        'BAD_INPUT',
        isImport
          ? `${profile.name} has ${callsText(profile.calls)}: add --delete-calls to remove them with the source.`
          : `${profile.name} has ${callsText(profile.calls)}: add --delete-calls to remove them with the profile, ` +
              'or --keep-calls to keep them as an import-only source.',
        { name, calls: profile.calls },
      );
    }
    if (o.keepCalls && isImport) {
      throw new AppError(
        'BAD_INPUT',
        `${profile.name} is already an import-only source: keeping its calls means keeping it. Use --delete-calls to remove it.`,
        { name },
      );
    }
    if (o.keepCalls && profile.calls > 0) {
      store.profiles.keepHistory(profile.id);
      await writeText(
        ctx.io.stdout,
        `Removed the PBX profile ${profile.name} (address, user, certificate); its ${callsText(profile.calls)} stay ` +
          `as the import-only source ${profile.name}.\n`,
      );
      return;
    }
    store.profiles.remove(profile.id);
    const what = isImport ? 'import-only source' : 'PBX';
    await writeText(
      ctx.io.stdout,
      profile.calls === 0
        ? `Removed ${what} ${profile.name} (it had no cached calls).\n`
        : `Removed ${what} ${profile.name} and its ${callsText(profile.calls)}.\n`,
    );
  });
}

export function registerPbx(program: Command, context: () => CliContext): void {
  const pbx = program.command('pbx').description('Manage PBX profiles (no password is ever stored by the CLI).');

  trustOptions(
    pbx
      .command('add')
      .description('Add a PBX profile after checking its certificate, or an import-only source (--import-only).')
      .argument('<name>', 'a name for the PBX, e.g. office', parseName)
      .option('--url <url>', 'the PBX API address, e.g. https://192.168.1.10:8443 (required unless --import-only)')
      .option('--user <user>', 'the API user configured on the PBX (required unless --import-only)')
      .option('--import-only', 'a source without an address, for the history files of a PBX that is gone or unreachable')
      .option('--api <generation>', 'auto, legacy (UCM61xx/62xx/65xx cdrapi) or ucm63xx (/api)', choice(APIS), 'auto')
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

--import-only adds a source without an address (nothing is contacted; give --tz, the zone the files'
times are in, and optionally --model): fill it with "ucmcdr import --pbx NAME FILE...". It cannot be
synced or tested. Files imported without --pbx still go to the "Imported" source.

Examples:
  ucmcdr pbx add office --url https://192.168.1.10:8443 --user cdrapi --tz Europe/Berlin --trust-on-first-use
  ucmcdr pbx add branch --url https://pbx.example.net:8443 --user cdrapi --fingerprint AB:CD:...:EF
  UCM_PASSWORD=secret ucmcdr pbx add lab --url https://10.0.0.2 --user api --api ucm63xx --trust-on-first-use --password-env UCM_PASSWORD
  ucmcdr pbx add old-branch --import-only --tz Europe/Vienna --model UCM6208`,
    )
    .action(async (name: string, o: AddOptions, command: Command) => addPbx(context(), name, o, command));

  pbx
    .command('set')
    .description('Change a PBX profile (or an import-only source); what is not given stays as it is.')
    .argument('<name>', 'the profile name', parseName)
    .option('--url <url>', 'a new address; the pinned certificate stays until "pbx trust" pins another')
    .option('--user <user>', 'the API user configured on the PBX')
    .option('--api <generation>', 'auto, legacy or ucm63xx', choice(APIS))
    .option('--tz <zone>', 'the PBX time zone, IANA name; re-times the cached calls of the profile', parseZone)
    .option('--model <model>', 'the PBX model, e.g. UCM6304 (applies to calls stored from now on)')
    .option('--ca-file <file>', 'trust certificates signed by this CA (PEM) instead of the pinned one', parseExistingFile)
    .option('--rename <new-name>', 'a new name (refused when another profile has it)', parseName)
    .option('--country-code <digits>', 'dial plan: the country code of the PBX, e.g. 44 (empty "" clears it)', parseDialPlanDigits)
    .option('--national-prefix <digits>', 'dial plan: the trunk prefix of national numbers, e.g. 0', parseDialPlanDigits)
    .option('--international-prefix <digits>', 'dial plan: the prefix of international numbers, e.g. 00 or 011', parseDialPlanDigits)
    .option('--business-hours <hours>', 'when the office is open, PBX wall clock: "Mon-Fri 07:00-19:00" (ranges comma-separated, or 24/7); after-hours alerts')
    .option('--sync-every <minutes>', 'automatic sync in the desktop app: 0 (off), 5, 15 or 60 minutes', (v: string) => Number(choice(['0', '5', '15', '60'] as const)(v)))
    .addHelpText(
      'after',
      `
A new --tz recomputes the UTC instant of every cached call of the profile from its PBX wall-clock
time, in one transaction: interrupted, the cache holds all calls with the old zone or all with the new.
A new --url keeps the pinned certificate: a PBX that moved connects as before, a server with another
certificate is refused until "ucmcdr pbx trust NAME" pins it. An import-only source takes only --tz,
--model, --rename and the dial plan.

The dial plan turns dialled numbers into E.164 digits for call costs (docs/costs.md): a leading +
or international prefix is dropped, a national prefix becomes the country code. A change prices
the calls again (ucmcdr rates).

Examples:
  ucmcdr pbx set office --tz America/New_York
  ucmcdr pbx set office --url https://10.1.0.5:8443
  ucmcdr pbx set office --rename head-office --model UCM6304
  ucmcdr pbx set office --country-code 44 --national-prefix 0 --international-prefix 00
  ucmcdr pbx set office --business-hours "Mon-Fri 08:00-18:00, Sat 09:00-12:00" --sync-every 5`,
    )
    .action(async (name: string, o: SetOptions) => setPbx(context(), name, o));

  pbx
    .command('list')
    .description('List PBX profiles with their sync state and pinned certificate.')
    .option('--format <format>', 'table or json', choice(['table', 'json'] as const), 'table')
    .addHelpText('after', '\nExamples:\n  ucmcdr pbx list\n  ucmcdr pbx list --format json')
    .action(async (o: { format: 'table' | 'json' }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const profiles = store.profiles.list();
        await writeText(ctx.io.stdout, o.format === 'json' ? `${JSON.stringify(profiles, null, 2)}\n` : listText(profiles));
      });
    });

  pbx
    .command('remove')
    .description('Remove a PBX profile or an import-only source; with cached calls, say what becomes of them.')
    .argument('<name>', 'the profile name', parseName)
    .option('--delete-calls', 'also delete its cached calls, legs and recording states')
    .option('--keep-calls', 'keep its calls as the history of an import-only source of the same name')
    .addHelpText(
      'after',
      `
A profile without cached calls is removed at once. With calls, one of the options is required:
--delete-calls removes the calls with the profile; --keep-calls forgets the address, user and pinned
certificate (the CLI stores no password) and keeps the calls under the same name, as an import-only
source that can be searched, exported and filled by "ucmcdr import --pbx NAME" (but not synced).

Examples:
  ucmcdr pbx remove lab
  ucmcdr pbx remove office --delete-calls
  ucmcdr pbx remove old-branch --keep-calls`,
    )
    .action(async (name: string, o: RemoveOptions) => removePbx(context(), name, o));

  pbx
    .command('test')
    .description('Connect to a PBX: certificate, API generation and credentials.')
    .argument('<name>', 'the profile name', parseName)
    .option('--password-env <var>', 'environment variable holding the password (else prompted on a terminal)')
    .addHelpText('after', '\nExamples:\n  ucmcdr pbx test office\n  UCM_PASSWORD=secret ucmcdr pbx test office --password-env UCM_PASSWORD')
    .action(async (name: string, o: { passwordEnv?: string }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const profile = requireRealPbx(store, name, 'tested');
        const result = await withTrustHint(ctx, profile.name, () => checkCredentials(ctx, profile.name, profile, o.passwordEnv));
        saveDetectedApi(store, profile, result.detected_api);
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
        const profile = requireRealPbx(store, name, 'trusted');
        const { pin } = await decidePin(ctx, profile, o, 'The pinned certificate was kept.');
        store.profiles.save({ ...profile, fingerprint: pin });
        await writeText(ctx.io.stdout, `Pinned certificate SHA-256 ${pin} for ${profile.name}.\n`);
      });
    });
}
