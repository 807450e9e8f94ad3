import { describe, expect, it } from 'vitest';
import { checkDialPlan, NO_DIAL_PLAN, normalizeNumber, type DialPlan } from '../../main/cdr/dial-plan.js';
import { AppError } from '../../main/errors.js';

const UK: DialPlan = { country_code: '44', national_prefix: '0', international_prefix: '00' };
const US: DialPlan = { country_code: '1', national_prefix: '1', international_prefix: '011' };

describe('normalizeNumber', () => {
  describe('with a UK dial plan (country code 44, national 0, international 00)', () => {
    it('drops the international prefix', () => {
      expect(normalizeNumber('00 33 1 23', UK)).toBe('33123');
    });

    it('drops a leading + and the separators people write', () => {
      expect(normalizeNumber('+1 (555) 010', UK)).toBe('1555010');
      expect(normalizeNumber('+44-20.7946/0000', UK)).toBe('442079460000');
    });

    it('replaces the national prefix by the country code', () => {
      expect(normalizeNumber('020 7946 0000', UK)).toBe('442079460000');
    });

    it('tries the international prefix before the national one it starts with', () => {
      expect(normalizeNumber('0044 20 7946 0000', UK)).toBe('442079460000');
    });

    it('keeps a number that starts with neither prefix as dialled', () => {
      expect(normalizeNumber('123', UK)).toBe('123');
    });
  });

  describe('with a North American dial plan (country code 1, national 1, international 011)', () => {
    it('drops the international prefix 011', () => {
      expect(normalizeNumber('011 44 20 7946 0000', US)).toBe('442079460000');
    });

    it('keeps a national number with its 1 (the national prefix is the country code)', () => {
      expect(normalizeNumber('1 (212) 555-0100', US)).toBe('12125550100');
    });

    it('keeps a number dialled without the 1 as dialled', () => {
      expect(normalizeNumber('212 555 0100', US)).toBe('2125550100');
    });

    it('drops a leading +', () => {
      expect(normalizeNumber('+1 212 555 0100', US)).toBe('12125550100');
    });
  });

  describe('with no dial plan', () => {
    it('is the all-empty plan', () => {
      expect(NO_DIAL_PLAN).toEqual({ country_code: '', national_prefix: '', international_prefix: '' });
    });

    it('matches no prefix, since empty prefixes never match', () => {
      expect(normalizeNumber('0044 20 7946 0000', NO_DIAL_PLAN)).toBe('00442079460000');
      expect(normalizeNumber('020 7946 0000', NO_DIAL_PLAN)).toBe('02079460000');
    });

    it('still drops a leading +', () => {
      expect(normalizeNumber('+44 20 7946 0000', NO_DIAL_PLAN)).toBe('442079460000');
    });
  });

  it('returns an empty string when there is no digit', () => {
    expect(normalizeNumber('', UK)).toBe('');
    expect(normalizeNumber(' - ', UK)).toBe('');
    expect(normalizeNumber('+', UK)).toBe('');
  });

  it('returns an empty string for feature codes, letters and DTMF strings, so they never match a rate', () => {
    expect(normalizeNumber('*97', UK)).toBe('');
    expect(normalizeNumber('*72 0123', UK)).toBe('');
    expect(normalizeNumber('#31#0123', UK)).toBe('');
    expect(normalizeNumber('alice@example.com', UK)).toBe('');
    expect(normalizeNumber('555-0100 x12', UK)).toBe('');
    expect(normalizeNumber('0123,,456', UK)).toBe('');
  });

  it('returns an empty string for a + that is not at the start', () => {
    expect(normalizeNumber('00+44', UK)).toBe('');
  });

  it('returns an empty string when only the international prefix was dialled', () => {
    expect(normalizeNumber('00', UK)).toBe('');
  });

  it('drops the national prefix when the country code is left empty', () => {
    expect(normalizeNumber('020 7946', { country_code: '', national_prefix: '0', international_prefix: '' })).toBe('207946');
  });
});

describe('checkDialPlan', () => {
  function messageOf(plan: Partial<DialPlan>): string {
    try {
      checkDialPlan(plan);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('BAD_INPUT');
      return (error as AppError).message;
    }
    throw new Error('expected checkDialPlan to throw');
  }

  it('accepts the usual plans, the empty plan and a partial one', () => {
    expect(() => checkDialPlan(UK)).not.toThrow();
    expect(() => checkDialPlan(US)).not.toThrow();
    expect(() => checkDialPlan(NO_DIAL_PLAN)).not.toThrow();
    expect(() => checkDialPlan({ international_prefix: '810' })).not.toThrow();
    expect(() => checkDialPlan({})).not.toThrow();
  });

  it('accepts prefixes of up to 6 digits and country codes of up to 3', () => {
    expect(() => checkDialPlan({ country_code: '358', national_prefix: '123456', international_prefix: '999999' })).not.toThrow();
  });

  it('refuses a country code of more than 3 digits, naming the field, the value and what is expected', () => {
    const message = messageOf({ country_code: '4444' });
    expect(message).toContain('country code');
    expect(message).toContain('"4444"');
    expect(message).toContain('1 to 3 digits');
  });

  it('refuses a country code starting with 0', () => {
    expect(messageOf({ country_code: '044' })).toMatch(/country code "044".*never start with 0/);
  });

  it('refuses a prefix of more than 6 digits', () => {
    const message = messageOf({ international_prefix: '0000000' });
    expect(message).toContain('international prefix');
    expect(message).toContain('"0000000"');
    expect(message).toContain('1 to 6 digits');
  });

  it('refuses prefixes that are not digits', () => {
    expect(messageOf({ national_prefix: '+0' })).toContain('national prefix "+0"');
    expect(messageOf({ international_prefix: '0 0' })).toContain('international prefix "0 0"');
    expect(messageOf({ country_code: 'UK' })).toContain('country code "UK"');
  });

  it('refuses a value that is not text', () => {
    expect(messageOf({ country_code: 44 as unknown as string })).toContain('country code');
  });

  it('puts the field and the value in the error details', () => {
    try {
      checkDialPlan({ national_prefix: 'x' });
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).details).toEqual({ field: 'national_prefix', value: 'x' });
    }
  });
});
