import { describe, expect, it } from 'vitest';
import { analogCallee, analogPortKind, decodeChannel } from '../../main/cdr/channels.js';

describe('decodeChannel', () => {
  it('reads a PJSIP extension channel', () => {
    expect(decodeChannel('PJSIP/1000-0000002a')).toEqual({
      raw: 'PJSIP/1000-0000002a',
      kind: 'extension',
      tech: 'PJSIP',
      extension: '1000',
    });
  });

  it('reads a number dialled out through a trunk', () => {
    expect(decodeChannel('PJSIP/trunk_1/2000')).toEqual({
      raw: 'PJSIP/trunk_1/2000',
      kind: 'trunk-outbound',
      tech: 'PJSIP',
      trunk: 'trunk_1',
      number: '2000',
    });
  });

  it('reads an inbound trunk channel', () => {
    expect(decodeChannel('PJSIP/trunk_1-00000002')).toEqual({
      raw: 'PJSIP/trunk_1-00000002',
      kind: 'trunk-inbound',
      tech: 'PJSIP',
      trunk: 'trunk_1',
    });
    expect(decodeChannel('PJSIP/trunk_2-000004e1').trunk).toBe('trunk_2');
  });

  it('reads a trunk channel on the destination side as the call going out on that trunk', () => {
    expect(decodeChannel('PJSIP/trunk_2-0000050a', undefined, 'destination')).toMatchObject({
      kind: 'trunk-outbound',
      trunk: 'trunk_2',
    });
    expect(decodeChannel('PJSIP/203-000004eb', undefined, 'destination').kind).toBe('extension');
  });

  it('treats a user-named trunk (non-numeric name before the id) as a trunk', () => {
    expect(decodeChannel('PJSIP/Daisy-00000001')).toMatchObject({ kind: 'trunk-inbound', trunk: 'Daisy' });
    expect(decodeChannel('PJSIP/my-sip-provider-0000000f')).toMatchObject({ trunk: 'my-sip-provider' });
  });

  it('reads SIP channels like PJSIP ones', () => {
    expect(decodeChannel('SIP/6039-0000069e')).toMatchObject({ kind: 'extension', tech: 'SIP', extension: '6039' });
    expect(decodeChannel('SIP/trunk_3-00000001')).toMatchObject({ kind: 'trunk-inbound', trunk: 'trunk_3' });
    expect(decodeChannel('SIP/trunk_3/5551234')).toMatchObject({ kind: 'trunk-outbound', number: '5551234' });
  });

  it('reads IAX2 channels', () => {
    expect(decodeChannel('IAX2/1000-1234')).toEqual({ raw: 'IAX2/1000-1234', kind: 'iax2', tech: 'IAX2', extension: '1000' });
    expect(decodeChannel('IAX2/branch-77')).toMatchObject({ kind: 'iax2', trunk: 'branch' });
  });

  it('reads Local helper channels', () => {
    expect(decodeChannel('Local/@from-internal-00000a1;1')).toEqual({
      raw: 'Local/@from-internal-00000a1;1',
      kind: 'local',
      tech: 'Local',
    });
    expect(decodeChannel('Local/6400@from-internal-00000a1;2')).toMatchObject({ kind: 'local', number: '6400' });
  });

  it.each(['Hangup', 'Playback', 'ReadExten'])('reads the application name %s', (name) => {
    expect(decodeChannel(name)).toEqual({ raw: name, kind: 'application' });
  });

  it('reads an empty channel as none', () => {
    expect(decodeChannel('')).toEqual({ raw: '', kind: 'none' });
    expect(decodeChannel('  ').kind).toBe('none');
  });

  it('keeps an unknown technology as other', () => {
    expect(decodeChannel('Message/ast_msg_queue')).toEqual({ raw: 'Message/ast_msg_queue', kind: 'other', tech: 'Message' });
  });

  it('reads DAHDI ports as FXO or FXS per model', () => {
    expect(decodeChannel('DAHDI/1-1', 'UCM6102')).toMatchObject({ kind: 'fxo', port: 1, tech: 'DAHDI' });
    expect(decodeChannel('DAHDI/3-1', 'UCM6102')).toMatchObject({ kind: 'fxs', port: 3 });
    expect(decodeChannel('DAHDI/3-1', 'UCM6208')).toMatchObject({ kind: 'fxo', port: 3 });
    expect(decodeChannel('DAHDI/9-1', 'UCM6208')).toMatchObject({ kind: 'fxs', port: 9 });
    expect(decodeChannel('DAHDI/5-1')).toMatchObject({ kind: 'dahdi', port: 5 });
    expect(decodeChannel('DAHDI/pseudo')).toEqual({ raw: 'DAHDI/pseudo', kind: 'dahdi', tech: 'DAHDI' });
  });
});

describe('analogPortKind', () => {
  it.each([
    ['UCM6102', 2, 'fxo'],
    ['UCM6102', 3, 'fxs'],
    ['UCM6202', 4, 'fxs'],
    ['UCM6202', 5, 'dahdi'],
    ['UCM6104', 4, 'fxo'],
    ['UCM6204', 5, 'fxs'],
    ['UCM6204', 6, 'fxs'],
    ['UCM6204', 7, 'dahdi'],
    ['UCM6108', 8, 'fxo'],
    ['UCM6208', 10, 'fxs'],
    ['UCM6116', 16, 'fxo'],
    ['UCM6116', 17, 'fxs'],
    ['UCM6116', 18, 'fxs'],
    ['UCM6510', 2, 'fxo'],
    ['UCM6510', 4, 'fxs'],
    ['ucm6510', 3, 'fxs'],
    ['UCM6308', 1, 'dahdi'],
    ['', 1, 'dahdi'],
  ] as const)('%s port %d is %s', (model, port, kind) => {
    expect(analogPortKind(port, model)).toBe(kind);
  });
});

describe('analogCallee', () => {
  it('names the analog line an inbound FXO call came in on when its destination is "s" or empty', () => {
    expect(analogCallee('s', [decodeChannel('DAHDI/2-1', 'UCM6208')])).toBe('analog line (FXO port 2)');
    expect(analogCallee('', [decodeChannel('PJSIP/1000-1'), decodeChannel('DAHDI/1-1', 'UCM6102')])).toBe('analog line (FXO port 1)');
  });

  it('leaves a dialled number, or a call on no analog port, to its destination', () => {
    expect(analogCallee('6300', [decodeChannel('DAHDI/2-1', 'UCM6208')])).toBe('');
    expect(analogCallee('s', [decodeChannel('PJSIP/1001-0001')])).toBe('');
    expect(analogCallee('s', [decodeChannel('DAHDI/pseudo')])).toBe('');
  });

  it('names an FXS port, or a DAHDI port whose role the model does not tell', () => {
    expect(analogCallee('s', [decodeChannel('DAHDI/5-1', 'UCM6204')])).toBe('analog phone (FXS port 5)');
    expect(analogCallee('s', [decodeChannel('DAHDI/3-1', 'UCM6308')])).toBe('analog port 3');
  });
});
