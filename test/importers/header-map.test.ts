import { describe, expect, it } from 'vitest';
import { CDR_FIELDS } from '../../main/cdr/fields.js';
import {
  CANONICAL_IMPORT_FIELDS,
  mapHeader,
  normalizeHeaderName,
  planColumns,
  planIsConfident,
  validateUserMapping,
} from '../../main/importers/header-map.js';

describe('mapHeader', () => {
  it('maps every name of the UCM "Export File Data" list, in any order and case', () => {
    const headers = [
      'Talk Time', 'Account Code', 'CALLER NUMBER', 'callee number', 'Context', 'Caller ID', 'Source Channel',
      'Dest Channel', 'Last app', 'Last data', 'Start Time', 'Answer Time', 'End Time', 'Call Time',
      'Disposition', 'AMA Flags', 'Unique ID', 'User Field', 'Dest Channel Extension', 'Caller Name',
      'Answer by', 'Session', 'Action Owner', 'Action Type', 'Source Trunk Name', 'Dest Trunk Name', 'NAT',
    ];
    const result = mapHeader(headers);
    expect(result.unknown).toEqual([]);
    expect(result.confident).toBe(true);
    expect(result.mapping).toEqual({
      'Talk Time': 'billsec', 'Account Code': 'accountcode', 'CALLER NUMBER': 'src', 'callee number': 'dst',
      Context: 'dcontext', 'Caller ID': 'clid', 'Source Channel': 'channel', 'Dest Channel': 'dstchannel',
      'Last app': 'lastapp', 'Last data': 'lastdata', 'Start Time': 'start', 'Answer Time': 'answer',
      'End Time': 'end', 'Call Time': 'duration', Disposition: 'disposition', 'AMA Flags': 'amaflags',
      'Unique ID': 'uniqueid', 'User Field': 'userfield', 'Dest Channel Extension': 'dstchannel_ext',
      'Caller Name': 'caller_name', 'Answer by': 'dstanswer', Session: 'session', 'Action Owner': 'action_owner',
      'Action Type': 'action_type', 'Source Trunk Name': 'src_trunk_name', 'Dest Trunk Name': 'dst_trunk_name',
      NAT: 'nat_call',
    });
  });

  it('maps the older and misspelled names the guide prints', () => {
    expect(mapHeader(['Call From', 'Call To', 'calerid', 'UIQUEID', 'AMAFLAGS', 'USERFIELD', 'Call Status', 'Start_Time']).mapping).toEqual({
      'Call From': 'src', 'Call To': 'dst', calerid: 'clid', UIQUEID: 'uniqueid', AMAFLAGS: 'amaflags',
      USERFIELD: 'userfield', 'Call Status': 'disposition', Start_Time: 'start',
    });
    expect(mapHeader(['Status', 'Call Type']).mapping).toEqual({ Status: 'disposition', 'Call Type': 'userfield' });
  });

  it('ignores case, spaces and punctuation', () => {
    expect(normalizeHeaderName(' Dest-Channel  Extension ')).toBe('destchannelextension');
    expect(mapHeader(['caller_number', 'START-TIME']).mapping).toEqual({ caller_number: 'src', 'START-TIME': 'start' });
  });

  it('is not confident without a start time plus a caller or callee', () => {
    expect(mapHeader(['Caller Number', 'Callee Number', 'Talk Time']).confident).toBe(false);
    expect(mapHeader(['Start Time', 'Talk Time']).confident).toBe(false);
    expect(mapHeader(['Start Time', 'Callee Number']).confident).toBe(true);
  });

  it('lists unknown columns and is not confident when they outnumber the known ones', () => {
    const result = mapHeader(['Start Time', 'Caller', 'Gebühr', 'Kostenstelle', 'Notiz', 'Tarif']);
    expect(result.unknown).toEqual(['Gebühr', 'Kostenstelle', 'Notiz', 'Tarif']);
    expect(result.confident).toBe(false);
  });

  it('offers every cdrapi field as a mapping target', () => {
    for (const field of CDR_FIELDS) expect(CANONICAL_IMPORT_FIELDS).toContain(field);
  });
});

describe('planColumns', () => {
  it('keeps unknown columns and a second column for a mapped field under their header text', () => {
    const plan = planColumns(['Disposition', 'Status', 'Start Time', 'Caller Number', 'Region', '']);
    expect(plan.keys).toEqual(['disposition', 'Status', 'start', 'src', 'Region', null]);
    expect(plan.unknown).toEqual(['Region']);
    expect(plan.cdrapiNames).toBe(false);
  });

  it('tells a cdrapi CSV header (field names spelled exactly) from human names', () => {
    expect(planColumns(['AcctId', 'src', 'dst', 'start', 'nat_call', 'future_field']).cdrapiNames).toBe(true);
    expect(planColumns(['AcctID', 'src', 'dst', 'start']).cdrapiNames).toBe(true);
    expect(planColumns(['Caller Number', 'dst', 'start']).cdrapiNames).toBe(false);
  });

  it('lets a user mapping name unknown columns and keep others as they are', () => {
    const user = validateUserMapping({ 'Anrufer': 'src', 'Beginn': 'start', 'Notiz': '' });
    const plan = planColumns(['Anrufer', 'Beginn', 'Notiz', 'Tarif'], user);
    expect(plan.keys).toEqual(['src', 'start', 'Notiz', 'Tarif']);
    expect(plan.unknown).toEqual(['Tarif']);
    expect(planIsConfident(plan)).toBe(true);
    expect(planIsConfident(planColumns(['Anrufer', 'Beginn', 'Notiz', 'Tarif']))).toBe(false);
    expect(planColumns(['Caller Number', 'Start Time', 'A', 'B', 'C'], user).userMapped).toBe(false);
  });

  it('refuses a user mapping to a field that does not exist, naming it', () => {
    expect(() => validateUserMapping({ Anrufer: 'caller' })).toThrow(/"Anrufer" to "caller", which is not a CDR field/);
    expect(() => validateUserMapping(['src'])).toThrow(/must be an object/);
  });
});
