import { describe, expect, it } from 'vitest';
import { EXPORT_FIELDS, type CallRow } from '../../preload/api.js';
import { csvText, exportFieldLabel, exportValue, needsRawFields } from '../../main/export/fields.js';
import { validateExportFields } from '../../main/export/export.js';

const row: CallRow = {
  id: 7,
  session: '1661157236570719-07917330699',
  pbx: 'office',
  start: '2022-08-22T09:33:56',
  start_utc: '2022-08-22T08:33:56Z',
  answer: null,
  end: '2022-08-22T09:35:07',
  src: '07917330699',
  dst: '01924600401',
  caller_name: 'Ana',
  clid: '"Ana" <07917330699>',
  answered_by: '71',
  disposition: 'ANSWERED',
  direction: 'inbound',
  action_type: 'RINGGROUP[6400]',
  action_kind: 'RINGGROUP',
  action_target: '6400',
  duration: 71,
  billsec: 65,
  src_trunk_name: 'Daisy',
  dst_trunk_name: '',
  account_code: '4711',
  recordings: ['2022-08/auto-1661159747#203-01904593096-6400.wav', 'b.wav'],
  legs: 3,
  nat: false,
  origin: 'sync',
  imported_at: null,
  outcome: 'answered',
  route: [{ kind: 'DIAL', target: '' }],
  cost: 0,
  cost_status: 'not_billable',
  cost_currency: '',
  rate_destination: '',
  dst_line: '',
  callee_name: '',
  answered_by_name: '',
};

describe('export fields', () => {
  it('names the CSV columns as the UCM page\'s "Export File Data" list, then PBX, Direction, Recordings, Outcome, Route, the cost fields and the phonebook names', () => {
    expect(EXPORT_FIELDS.map(exportFieldLabel)).toEqual([
      'Account Code', 'Session', 'Action Owner', 'Action Type', 'Source Trunk Name', 'Dest Trunk Name', 'Caller Name',
      'Caller Number', 'Caller ID', 'Callee Number', 'Answer By', 'Context', 'Start Time', 'Answer Time', 'End Time',
      'Call Time', 'Talk Time', 'Source Channel', 'Dest Channel', 'Last App', 'Dest Channel Extension', 'Disposition',
      'Last Data', 'AMA Flags', 'Unique ID', 'User Field', 'NAT', 'PBX', 'Direction', 'Recordings', 'Outcome', 'Route',
      'Cost', 'Cost Status', 'Cost Currency', 'Rate Destination', 'Callee Name', 'Answer By Name',
    ]);
  });

  it('takes call values from the row and raw-only fields from the main record', () => {
    const main = { dcontext: 'from-trunk', channel: 'PJSIP/trunk_2-000004e1', lastapp: 'Dial', action_owner: '1000' };
    expect(exportValue('caller_number', row, main)).toBe('07917330699');
    expect(exportValue('callee_number', row, main)).toBe('01924600401');
    expect(exportValue('answer_by', row, main)).toBe('71');
    expect(exportValue('talk_time', row, main)).toBe(65);
    expect(exportValue('context', row, main)).toBe('from-trunk');
    expect(exportValue('source_channel', row, main)).toBe('PJSIP/trunk_2-000004e1');
    expect(exportValue('action_owner', row, main)).toBe('1000');
    expect(exportValue('uniqueid', row, main)).toBe('');
    expect(exportValue('last_app', row, null)).toBe('');
  });

  it('writes CSV values the way the UCM export does', () => {
    expect(csvText('start_time', row.start)).toBe('2022-08-22 09:33:56');
    expect(csvText('answer_time', row.answer)).toBe('');
    expect(csvText('nat', row.nat)).toBe('no');
    expect(csvText('call_time', row.duration)).toBe('71');
    expect(csvText('recordings', row.recordings)).toBe('2022-08/auto-1661159747#203-01904593096-6400.wav@b.wav@');
  });

  it('looks up main records only when a chosen field needs one', () => {
    expect(needsRawFields(['session', 'caller_number', 'talk_time', 'recordings'])).toBe(false);
    expect(needsRawFields(['session', 'context'])).toBe(true);
  });

  it('refuses unknown, repeated or no fields with a message naming them', () => {
    expect(() => validateExportFields(['caller_number', 'colour'])).toThrow(/Unknown export field "colour"/);
    expect(() => validateExportFields(['session', 'session'])).toThrow(/"session" is listed twice/);
    expect(() => validateExportFields([])).toThrow(/No export fields chosen/);
    expect(validateExportFields(undefined)).toEqual([...EXPORT_FIELDS]);
  });
});
