import { describe, expect, it } from 'vitest';
import { planColumns } from '../../main/importers/header-map.js';
import { RowNormalizer } from '../../main/importers/normalize.js';

function normalizer(headers: string[], order: 'mdy' | 'dmy' = 'mdy') {
  return new RowNormalizer({ keys: planColumns(headers).keys, headers, order });
}

describe('RowNormalizer', () => {
  const n = normalizer(['Caller Number', 'Start Time', 'Answer Time', 'End Time', 'Call Time', 'Talk Time', 'Disposition', 'Region']);

  it('writes dates as YYYY-MM-DD HH:MM:SS, durations in seconds and dispositions as cdrapi does', () => {
    expect(n.normalize(['1001', '7/13/2018 12:00:12 PM', '11/23/2016 10:47', '', '0:00:23', '16', 'No Answer', 'EU'])).toEqual({
      record: {
        src: '1001', start: '2018-07-13 12:00:12', answer: '2016-11-23 10:47:00', end: '', duration: '23',
        billsec: '16', disposition: 'NO ANSWER', Region: 'EU',
      },
      marker: '',
      damage: 'Answer Time "11/23/2016 10:47" has no seconds',
    });
  });

  it('reads slashed dates day-first when told', () => {
    const dmy = normalizer(['Caller Number', 'Start Time'], 'dmy');
    expect(dmy.normalize(['1', '13/07/2018 08:00:00'])).toMatchObject({ record: { start: '2018-07-13 08:00:00' } });
  });

  it('gives a reason for a wrong column count, a bad date, a negative duration and a missing start', () => {
    expect(n.normalize(['1', '2'])).toBe('the row has 2 columns where the header has 8');
    expect(n.normalize(['1', '2021-02-30 10:00:00', '', '', '1', '1', '', ''])).toMatch(/^Start Time: .*"2021-02-30 10:00:00"/);
    expect(n.normalize(['1', '2021-02-03 10:00:00', '', '', '-5', '1', '', ''])).toBe('Call Time: negative duration "-5"');
    expect(n.normalize(['1', '2021-02-03 10:00:00', '', '', '1', 'abc', '', ''])).toMatch(/^Talk Time: Invalid duration "abc"/);
    expect(n.normalize(['1', '', '', '', '1', '1', '', ''])).toBe('the row has no start time');
  });

  it('accepts one extra empty field left by a trailing separator', () => {
    expect(n.normalize(['1', '2021-02-03 10:00:00', '', '', '1', '1', '', '', ''])).toMatchObject({ record: { src: '1' } });
  });

  it('takes the cdr column as the row marker, not as a field', () => {
    const withMarker = normalizer(['cdr', 'session', 'src', 'start']);
    expect(withMarker.normalize(['sub_cdr_2', 's1', '100', '2022-08-22 09:34:32'])).toEqual({
      record: { session: 's1', src: '100', start: '2022-08-22 09:34:32' },
      marker: 'sub_cdr_2',
      damage: null,
    });
  });
});
