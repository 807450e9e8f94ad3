import { describe, expect, it } from 'vitest';
import { deriveCall } from '../../main/cdr/derive.js';
import { detectCdrFormat, parseCdrResponse } from '../../main/cdr/parse.js';
import { AppError } from '../../main/errors.js';
import { fixture } from './fixtures.js';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseCdrResponse', () => {
  it.each([
    ['guide-transfer.json', 'json'],
    ['guide-transfer.xml', 'xml'],
    ['guide-internal-call.csv', 'csv'],
    ['ucm63xx-cdrapi-capture-2022-08.json', 'json'],
  ] as const)('detects %s as %s from its content', (name, format) => {
    expect(parseCdrResponse(fixture(name)).format).toBe(format);
  });

  it('reads the guide transfer identically from JSON and XML where the guide prints the same values', () => {
    const json = parseCdrResponse(fixture('guide-transfer.json')).calls[0];
    const xml = parseCdrResponse(fixture('guide-transfer.xml')).calls[0];
    expect(xml?.session).toBe(json?.session);
    // The guide prints lastdata with a different case in one letter (zTtkKA / ztTkKA) in its two examples.
    const strip = (r: Record<string, string> | undefined) => ({ ...r, lastdata: '' });
    expect(strip(xml?.legs[0])).toEqual(strip(json?.legs[0]));
    expect(xml?.legs[1]).toEqual(json?.legs[1]);
  });

  it('ignores a byte order mark and leading whitespace', () => {
    const result = parseCdrResponse(`\uFEFF\r\n  ${fixture('guide-transfer.json')}`);
    expect(result.calls[0]?.session).toBe('1461920017104140-1000');
    expect(parseCdrResponse(`\uFEFF${fixture('guide-internal-call.csv')}`).calls[0]?.main['AcctId']).toBe('1201');
  });

  it.each([
    ['CSV', 'AcctId,accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start\r\n', 'csv'],
    ['JSON', '{"cdr_root":[]}', 'json'],
    ['XML', '<root></root>', 'xml'],
  ])('accepts the empty %s answer the device gives to a bad query', (_what, text, format) => {
    expect(parseCdrResponse(text)).toEqual({ format, calls: [], problems: [] });
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><head><title>Login</title></head></html>'],
    ['an HTML page without doctype', '<html lang="en"><body/></html>'],
    ['random JSON', '{"response":{"cookie":"x"},"status":0}'],
    ['a JSON array', '[{"cdr":"s"}]'],
    ['a CSV without the cdrapi header', 'caller,callee,start\n1000,1001,2021-01-01\n'],
    ['plain text', 'Unauthorized'],
    ['an empty body', ''],
    ['whitespace', '  \n '],
  ])('refuses %s with BAD_FILE', (_what, text) => {
    const error = thrown(() => parseCdrResponse(text));
    expect(error.code).toBe('BAD_FILE');
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('quotes the start of a text it does not recognise', () => {
    expect(thrown(() => parseCdrResponse('Unauthorized')).message).toContain('"Unauthorized"');
  });

  it('detects formats from content only', () => {
    expect(detectCdrFormat('  {"cdr_root":[]}')).toBe('json');
    expect(detectCdrFormat('<?xml version="1.0"?><root/>')).toBe('xml');
    expect(detectCdrFormat('"AcctId","src"\n')).toBe('csv');
    expect(detectCdrFormat('<!doctype html>')).toBeNull();
    expect(detectCdrFormat('src,dst')).toBeNull();
  });
});

describe('the real UCM63xx capture through parse and derive', () => {
  const { calls } = parseCdrResponse(fixture('ucm63xx-cdrapi-capture-2022-08.json'));
  const summaries = calls.map((c) => deriveCall(c, 'Europe/London', 'UCM6304'));
  const bySession = new Map(summaries.map((s) => [s.session, s]));

  it('derives every call', () => {
    expect(summaries).toHaveLength(calls.length);
  });

  it('reads an outbound flat call with its recording in a month folder', () => {
    const call = bySession.get('1661157838988180-230');
    expect(call).toMatchObject({
      direction: 'outbound',
      disposition: 'ANSWERED',
      src: '230',
      action_kind: 'DIAL',
      recordings: [
        {
          path: '2022-08/auto-1661157839-230-07917330699.wav',
          folder: '2022-08',
          file: 'auto-1661157839-230-07917330699.wav',
        },
      ],
    });
    expect(call?.start.local).toBe('2022-08-22T09:43:58');
    expect(call?.start.utc).toBe(Date.UTC(2022, 7, 22, 8, 43, 58));
    expect(call?.legs[0]?.dstchannel).toMatchObject({ kind: 'trunk-outbound', trunk: 'trunk_2' });
  });

  it('reads an inbound call split out of the repeated main packets, with ring-group legs and its recording', () => {
    const call = bySession.get('1661159737924521-01904593096');
    expect(call).toMatchObject({ direction: 'inbound', src: '01904593096', src_trunk_name: 'Daisy', disposition: 'ANSWERED' });
    expect(call?.legs).toHaveLength(11);
    expect(call?.legs.filter((leg) => leg.action_kind === 'RINGGROUP' && leg.action_target === '6400')).toHaveLength(10);
    expect(call?.recordings.map((r) => r.path)).toEqual(['2022-08/auto-1661159747#203-01904593096-6400.wav']);
  });

  it('keeps the IVR step of its own call and the parked call under the session of the repeated main', () => {
    expect(bySession.get('166117495239747-07908049833')?.legs.some((leg) => leg.action_kind === 'IVR' && leg.action_target === '7000')).toBe(true);
    const parked = bySession.get('1661157236570719-07917330699');
    expect(parked).toMatchObject({ direction: 'inbound', src_trunk_name: 'Daisy', src: '07917330699' });
    expect(parked?.legs.map((leg) => leg.acct_id)).toEqual(['71047']);
    expect(parked?.legs[0]?.channel).toMatchObject({ kind: 'trunk-inbound', trunk: 'trunk_2' });
  });
});
