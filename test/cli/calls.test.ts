import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/store.js';
import { parseDurationInput } from '../../preload/checks.js';
import { parseDuration } from '../../main/cli/options.js';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';
import { flatCall } from '../support/calls.js';
import { seedCache } from './data.js';

const tmp = tempDir('ucmcdr-calls-');
const db = join(tmp.dir, 'cache.sqlite');

beforeAll(() => seedCache(db));
afterAll(() => tmp.cleanup());

/** Sessions `ucmcdr calls <args> --format json` lists, in output order. */
async function sessions(...args: string[]): Promise<string[]> {
  const run = await cli(['--db', db, 'calls', '--format', 'json', ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { session: string }[]).map((c) => c.session);
}

const sorted = async (...args: string[]): Promise<string[]> => (await sessions(...args)).sort();

describe('ucmcdr calls: every filter option reaches the query engine', () => {
  it('lists all calls newest first without filters', async () => {
    expect(await sessions()).toEqual(['d', 'e', 'c', 'b', 'a']);
  });

  it.each([
    [['--pbx', 'branch'], ['d']],
    [['--pbx', 'office,branch'], ['a', 'b', 'c', 'd', 'e']],
    [['--pbx', 'office', '--pbx', 'branch'], ['a', 'b', 'c', 'd', 'e']],
    [['--from', '2024-03-05'], ['b', 'c', 'd', 'e']],
    [['--to', '2024-03-05'], ['a', 'b']],
    [['--from', '2024-03-05T12:00:01', '--to', '2024-03-20 15:00'], ['c', 'e']],
    [['--caller', '10XX'], ['a', 'c', 'e']],
    [['--caller', '1001,1003-1004'], ['a', 'c', 'e']],
    [['--caller', '_791@'], ['b']],
    [['--callee', '6400'], ['b']],
    [['--answered-by', '1002'], ['a']],
    [['--caller-name', 'MÜLLER'], ['a']],
    [['--status', 'no answer'], ['b']],
    [['--status', 'BUSY,FAILED'], ['d', 'e']],
    [['--direction', 'outbound'], ['c']],
    [['--direction', 'inbound', '--direction', 'outbound'], ['b', 'c']],
    [['--action-type', 'ringgroup'], ['b']],
    [['--action-type', 'QUEUE,RINGGROUP'], ['b', 'e']],
    [['--src-trunk', 'Daisy'], ['b']],
    [['--dst-trunk', 'CarrierOne'], ['c']],
    [['--account-code', '4711'], ['c']],
    [['--min-talk', '31'], ['c']],
    [['--max-talk', '0'], ['b', 'd', 'e']],
    [['--min-call', '40'], ['a', 'c']],
    [['--max-call', '8'], ['d', 'e']],
    [['--has-recording'], ['c']],
    [['--has-recording', 'no'], ['a', 'b', 'd', 'e']],
    [['--search', 'Dora'], ['d']],
    [['--search', '0791'], ['b']],
    [['--pbx', 'office', '--status', 'ANSWERED', '--min-talk', '1'], ['a', 'c']],
  ])('%j selects %j', async (args, expected) => {
    expect(await sorted(...args)).toEqual(expected);
  });
});

describe('ucmcdr calls: sorting and paging', () => {
  it('sorts ascending by a column, or descending with "-"', async () => {
    expect(await sessions('--sort', 'start')).toEqual(['a', 'b', 'c', 'e', 'd']);
    expect((await sessions('--sort', '-billsec'))[0]).toBe('c');
    expect((await sessions('--sort=-duration'))[0]).toBe('c');
  });

  it.each([
    ['talk', 'billsec'],
    ['call', 'duration'],
    ['from', 'src'],
    ['to', 'dst'],
    ['-talk', '-billsec'],
    ['-Call', '-duration'],
    ['+from', 'src'],
    ['-to', '-dst'],
  ])('takes the column word --sort %s as --sort %s', async (word, field) => {
    expect(await sessions('--sort', word)).toEqual(await sessions('--sort', field));
  });

  it('lists the sort fields and the column words in --help and in the refusal', async () => {
    const help = (await cli(['calls', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const field of ['start', 'billsec', 'duration', 'src', 'dst', 'caller_name', 'cost']) expect(help).toContain(field);
    expect(help).toMatch(/talk \(= billsec\), call \(= duration\), from \(= src\), to \(= dst\)/);
    const bad = await cli(['--db', db, 'calls', '--sort', 'colour']);
    expect(bad.stderr).toContain('talk (= billsec), call (= duration), from (= src), to (= dst)');
  });

  it('skips --offset calls and shows at most --limit', async () => {
    expect(await sessions('--limit', '2')).toEqual(['d', 'e']);
    expect(await sessions('--limit', '2', '--offset', '1')).toEqual(['e', 'c']);
    expect(await sessions('--offset', '4')).toEqual(['a']);
    expect(await sessions('--offset', '5')).toEqual([]);
  });
});

describe('ucmcdr calls: output formats', () => {
  it('prints one JSON array of calls with the documented fields and types', async () => {
    const run = await cli(['--db', db, 'calls', '--format', 'json', '--pbx', 'office', '--has-recording']);
    const [call] = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(call).toMatchObject({
      session: 'c',
      pbx: 'office',
      start: '2024-03-10T09:00:00',
      start_utc: '2024-03-10T09:00:00Z',
      src: '1003',
      dst: '004930123456',
      caller_name: '=HYPERLINK("x")',
      disposition: 'ANSWERED',
      direction: 'outbound',
      action_type: 'DIAL',
      duration: 310,
      billsec: 300,
      src_trunk_name: '',
      dst_trunk_name: 'CarrierOne',
      account_code: '4711',
      recordings: ['auto-c.wav'],
      legs: 1,
    });
  });

  it('prints an aligned table with the count and total talk time of the filtered set', async () => {
    const run = await cli(['--db', db, 'calls', '--pbx', 'office', '--limit', '2']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^START\s+STATUS\s+FROM\s+NAME\s+TO/);
    expect(lines[1]).toMatch(/^2024-03-20 15:00:00\s+FAILED\s+1004\s+Emil\s+6500/);
    expect(lines[1].indexOf('FAILED')).toBe(lines[0].indexOf('STATUS'));
    expect(lines[2].indexOf('ANSWERED')).toBe(lines[0].indexOf('STATUS'));
    expect(lines.at(-1)).toBe('Showing 1-2 of 4 calls; total talk time 0:05:30.');
  });

  it('says "No calls match." once and nothing else when no call matches', async () => {
    const run = await cli(['--db', db, 'calls', '--from', '2030-01-01']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No calls match.\n');
  });

  it('says how many calls match when --offset skips past all of them', async () => {
    const run = await cli(['--db', db, 'calls', '--offset', '10']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No calls after --offset 10: 5 calls match; total talk time 0:05:30.\n');
  });

  it('prints CSV with a header of field names and formula-safe cells', async () => {
    const run = await cli(['--db', db, 'calls', '--format', 'csv', '--has-recording']);
    const [header, row] = run.stdout.split('\r\n');
    expect(header.split(',').slice(0, 4)).toEqual(['id', 'session', 'pbx', 'start']);
    expect(row).toContain(',c,office,2024-03-10T09:00:00,');
    expect(row).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(row).toContain(',004930123456,');
  });
});

describe('ucmcdr calls: --from/--to read a date only one way', () => {
  it('refuses a slashed date both numbers of which could be the month, showing both readings', async () => {
    const run = await cli(['--db', db, 'calls', '--from', '3/5/2024']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'ucmcdr: --from 3/5/2024 is ambiguous: 2024-03-05 (month first) or 2024-05-03 (day first). ' +
        'Write it as ISO (2024-03-05 or 2024-05-03) or add --date-order mdy|dmy.\n',
    );
    const to = await cli(['--db', db, 'calls', '--to', '3/5/2024T12:00']);
    expect(to.code).toBe(2);
    expect(to.stderr).toMatch(/^ucmcdr: --to 3\/5\/2024T12:00 is ambiguous: 2024-03-05T12:00:00 \(month first\) or 2024-05-03T12:00:00/);
  });

  it.each([
    [['--from', '20/3/2024'], ['d', 'e']],
    [['--to', '20/3/2024'], ['a', 'b', 'c', 'e']],
    [['--from', '5/3/2024', '--date-order', 'dmy'], ['b', 'c', 'd', 'e']],
    [['--date-order', 'mdy', '--from', '3/5/2024', '--to', '3/10/2024'], ['b', 'c']],
    [['--from', '2024-03-05', '--date-order', 'dmy'], ['b', 'c', 'd', 'e']],
  ])('%j selects %j', async (args, expected) => {
    expect(await sorted(...args)).toEqual(expected);
  });

  it('refuses an unknown --date-order and a date the order makes impossible', async () => {
    const order = await cli(['--db', db, 'calls', '--from', '3/5/2024', '--date-order', 'ymd']);
    expect(order.code).toBe(2);
    expect(order.stderr).toBe("ucmcdr: option '--date-order <order>' argument 'ymd' is invalid. Use one of: mdy, dmy.\n");
    const impossible = await cli(['--db', db, 'calls', '--from', '20/3/2024', '--date-order', 'mdy']);
    expect(impossible.code).toBe(2);
    expect(impossible.stderr).toMatch(/^ucmcdr: --from 20\/3\/2024 read month first \(--date-order mdy\): Cannot read the date\/time "20\/3\/2024": month 20 does not exist/);
    expect(impossible.stderr).toMatch(/ Day first it is 2024-03-20: use --date-order dmy or write 2024-03-20\.\n$/);
  });

  it('filters exports the same way', async () => {
    const run = await cli(['--db', db, 'export', '--out', '-', '--format', 'json', '--from', '5/3/2024']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ucmcdr: --from 5\/3\/2024 is ambiguous: .*--date-order mdy\|dmy\.\n$/);
  });
});

describe('ucmcdr calls: durations as the window takes them', () => {
  it.each([
    [['--min-talk', '0:31'], ['c']],
    [['--min-talk', '0:00:31'], ['c']],
    [['--max-talk', '0:30', '--min-talk', '0:01'], ['a']],
    [['--min-call', '5:10'], ['c']],
    [['--max-call', '0:08'], ['d', 'e']],
    [['--min-talk', '1:30'], ['c']],
    [['--min-talk', '5:01'], []],
  ])('%j selects %j', async (args, expected) => {
    expect(await sorted(...args)).toEqual(expected);
  });

  it.each(['90', '1:30', '0:01:30', '12:05:09', '1:5', '1:60', '1:60:00', '-1', '1.5', '', ' 2:00 ', '100:00'])(
    'reads %j as the window does',
    (text) => {
      const window = parseDurationInput(text);
      if (window === null) expect(() => parseDuration(text)).toThrow(/m:ss|h:mm:ss/);
      else expect(parseDuration(text)).toBe(window);
    },
  );

  it('refuses a duration that is neither seconds nor m:ss nor h:mm:ss', async () => {
    const run = await cli(['--db', db, 'calls', '--min-talk', '1:75']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "ucmcdr: option '--min-talk <duration>' argument '1:75' is invalid. Expected seconds (90), m:ss (1:30) or h:mm:ss (0:01:30).\n",
    );
  });
});

describe('ucmcdr calls: the table shows numbers whole', () => {
  const longDb = join(tmp.dir, 'long.sqlite');
  const FROM = 'sip:+4930123456789012345@carrier.example.net';
  const TO = '0049301234567890123456789';
  const ANSWERED = '00493012345678901';

  beforeAll(() => {
    const store = openStore(longDb);
    try {
      const id = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'legacy', user: 'cdrapi', tz: 'UTC' }).id;
      store.calls.ingest(
        id,
        [
          flatCall({
            session: 'long', start: '2024-03-01 08:00:00', answer: '2024-03-01 08:00:10', end: '2024-03-01 08:00:40',
            src: FROM, dst: TO, dstanswer: ANSWERED, duration: 40, billsec: 30, caller_name: 'Long',
          }),
        ],
        { origin: 'sync' },
      );
    } finally {
      store.close();
    }
  });

  it('never cuts the caller, callee or answering number', async () => {
    const run = await cli(['--db', longDb, 'calls']);
    expect(run.code).toBe(0);
    const row = run.stdout.split('\n')[1];
    expect(row).toContain(FROM);
    expect(row).toContain(TO);
    expect(row).toContain(ANSWERED);
    expect(row).not.toContain('…');
  });
});

describe('ucmcdr calls: bad values are refused before any work', () => {
  it.each([
    [['--status', 'maybe'], /--status.*'maybe'.*ANSWERED/],
    [['--direction', 'sideways'], /--direction.*'sideways'/],
    [['--from', '2024-13-01'], /--from.*'2024-13-01'.*month 13/],
    [['--to', 'yesterday'], /--to.*'yesterday'/],
    [['--min-talk', '-5'], /--min-talk.*'-5'.*Expected seconds/],
    [['--limit', '0'], /--limit.*'0'/],
    [['--offset', 'x'], /--offset.*'x'/],
    [['--sort', 'colour'], /--sort.*'colour'.*start/],
    [['--caller', '1-2-3'], /--caller.*'1-2-3'/],
    [['--has-recording', 'perhaps'], /--has-recording.*'perhaps'.*yes or no/],
    [['--format', 'xml'], /--format.*'xml'/],
    [['--min-talk', '60', '--max-talk', '10'], /--min-talk 60 is more than --max-talk 10/],
    [['--min-talk', '2:00', '--max-talk', '1:30'], /--min-talk 120 is more than --max-talk 90/],
    [['--from', '2024-04-01', '--to', '2024-03-01'], /--from 2024-04-01 is after --to 2024-03-01/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('%j: exit status 2 and one line on stderr', async (args, message) => {
    const run = await cli(['--db', db, 'calls', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^ucmcdr: [^\n]+\n$/);
    expect(run.stderr).toMatch(message);
  });

  it('says so when the cache does not exist instead of creating an empty one', async () => {
    const missing = join(tmp.dir, 'nope', 'cache.sqlite');
    const run = await cli(['--db', missing, 'calls']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`ucmcdr: No call cache at ${missing}: sync a PBX or import files first, or point --db at an existing cache.\n`);
  });
});
