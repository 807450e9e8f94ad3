import { describe, expect, it } from 'vitest';
import { csvRows } from '../../main/cdr/csv-records.js';
import { CDR_FIELDS } from '../../main/cdr/fields.js';
import { parseCdrCsv } from '../../main/cdr/parse-csv.js';
import { AppError } from '../../main/errors.js';
import { fixture } from './fixtures.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

const HEADER = CDR_FIELDS.join(',');

/** The guide's CSV row, field by field as the guide describes the call. */
const GUIDE_ROW: Record<string, string> = {
  AcctId: '1201',
  accountcode: '',
  src: '6039',
  dst: '6011',
  dcontext: 'from-internal',
  clid: '"GVC Test" <6039>',
  channel: 'PJSIP/6039-0000069e',
  dstchannel: 'PJSIP/6011-0000069f',
  lastapp: 'Dial',
  lastdata: 'PJSIP/6011/sip:6011@218.17.227.162:5062&PJSIP/6011/sip:6011@218.17.227.163:38102,30',
  start: '2015-11-10 17:58:47',
  answer: '',
  end: '2015-11-10 17:58:51',
  duration: '4',
  billsec: '0',
  disposition: 'NO ANSWER',
  amaflags: 'DOCUMENTATION',
  uniqueid: '1447207127.4182',
  userfield: 'Internal',
  channel_ext: '6039',
  dstchannel_ext: '6011',
  service: 's',
  caller_name: 'GVC Test',
  recordfiles: '',
  dstanswer: '',
  chanext: '',
  dstchanext: '',
  session: '1447207127558984-6039',
  action_owner: '6039',
  action_type: 'DIAL',
  src_trunk_name: '',
  dst_trunk_name: '',
};

describe('parseCdrCsv on the guide example', () => {
  it('reads the row with every field intact, the "GVC Test" <6039> caller ID included', () => {
    const { calls, problems } = parseCdrCsv(fixture('guide-internal-call.csv'));
    expect(problems).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.session).toBe('1447207127558984-6039');
    expect(calls[0]?.main).toEqual(GUIDE_ROW);
    expect(calls[0]?.legs).toEqual([GUIDE_ROW]);
  });

  it('reads the same with CRLF line ends', () => {
    const crlf = fixture('guide-internal-call.csv').replace(/\n/g, '\r\n');
    expect(parseCdrCsv(crlf).calls[0]?.main).toEqual(GUIDE_ROW);
  });
});

describe('parseCdrCsv shapes', () => {
  function row(fields: Partial<Record<string, string>>): string {
    return CDR_FIELDS.map((name) => fields[name] ?? '').join(',');
  }

  it('accepts the bare header of a query without results', () => {
    expect(parseCdrCsv(`${HEADER}\r\n`)).toEqual({ calls: [], problems: [] });
    expect(parseCdrCsv(HEADER).calls).toEqual([]);
  });

  it('unquotes quoted fields with commas, doubled quotes and line breaks', () => {
    const text = `${HEADER}\n${row({
      AcctId: '1',
      session: 's',
      caller_name: '"Doe, ""JD"" John"',
      lastdata: '"line one\r\nline two"',
    })}\n${row({ AcctId: '2', session: 't' })}\n`;
    const { calls, problems } = parseCdrCsv(text);
    expect(problems).toEqual([]);
    expect(calls[0]?.main['caller_name']).toBe('Doe, "JD" John');
    expect(calls[0]?.main['lastdata']).toBe('line one\r\nline two');
    expect(calls[1]?.main['AcctId']).toBe('2');
  });

  it('keeps a caller ID written unquoted by the device even when its name holds a comma', () => {
    const text = `${HEADER}\n${row({ AcctId: '1', session: 's', clid: '"Doe, John" <1000>', src: '1000' })}\n`;
    expect(parseCdrCsv(text).calls[0]?.main).toMatchObject({ clid: '"Doe, John" <1000>', src: '1000', AcctId: '1' });
  });

  it('reports a row with the wrong number of fields with its line, and keeps going', () => {
    const text = `${HEADER}\n${row({ AcctId: '1', session: 's' })}\n1,2,3\n"multi\nline",x\n${row({ AcctId: '4', session: 'u' })}\n`;
    const { calls, problems } = parseCdrCsv(text);
    expect(calls.map((c) => c.session)).toEqual(['s', 'u']);
    expect(problems.map((p) => p.position)).toEqual(['line 3', 'line 4']);
    expect(problems[0]?.reason).toContain('3 fields');
  });

  it('reports a row without session as a problem', () => {
    const { calls, problems } = parseCdrCsv(`${HEADER}\n${row({ AcctId: '1' })}\n`);
    expect(calls).toEqual([]);
    expect(problems).toEqual([{ position: 'line 2', reason: expect.stringContaining('no identity') }]);
  });

  it('makes rows of one session the legs of one call', () => {
    const text = `${HEADER}\n${row({ AcctId: '7', session: 's', disposition: 'NO ANSWER' })}\n${row({
      AcctId: '8',
      session: 's',
      disposition: 'ANSWERED',
    })}\n${row({ AcctId: '7', session: 's', disposition: 'NO ANSWER' })}\n`;
    const { calls } = parseCdrCsv(text);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.legs.map((leg) => leg['AcctId'])).toEqual(['7', '8']);
  });

  it('keeps columns the guide does not list, and skips blank lines', () => {
    const text = `${HEADER},nat_call,recordfiles_desc\n\n${row({ AcctId: '1', session: 's' })},yes,"duration=31,size=1B@"\n\n`;
    const { calls } = parseCdrCsv(text);
    expect(calls[0]?.main).toMatchObject({ nat_call: 'yes', recordfiles_desc: 'duration=31,size=1B@' });
    expect(Object.keys(calls[0]?.main ?? {})).toHaveLength(CDR_FIELDS.length + 2);
  });

  it.each([
    ['plain text', 'hello world\n'],
    ['another CSV', 'date,caller,callee\n2021-01-01,1,2\n'],
    ['a header lacking cdrapi columns', 'AcctId,foo\n1,2\n'],
    ['nothing', ''],
  ])('refuses %s as BAD_FILE', (_what, text) => {
    expect(codeOf(() => parseCdrCsv(text))).toBe('BAD_FILE');
  });
});

describe('csvRows', () => {
  it('tracks the line each record starts on across quoted line breaks', () => {
    const rows = [...csvRows('a,b\r\n"x\ny",z\n\nlast')];
    expect(rows).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x\ny', 'z'], line: 2 },
      { fields: [''], line: 4 },
      { fields: ['last'], line: 5 },
    ]);
  });

  it('keeps a trailing empty field and an unterminated quote as written', () => {
    expect([...csvRows('a,\n')]).toEqual([{ fields: ['a', ''], line: 1 }]);
    expect([...csvRows('"open,end')]).toEqual([{ fields: ['open,end'], line: 1 }]);
  });
});
