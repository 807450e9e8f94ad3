import { makeLeg } from './fake-api.js';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { LegView } from '../../preload/api.js';
import SessionTimeline from '../../renderer/src/components/SessionTimeline.vue';
import { buildTimeline } from '../../renderer/src/timeline.js';

/** A transfer: 1001 rings 2001 via ring group 6400, 2001 answers, then transfers to 2002. */
const legs: LegView[] = [
  makeLeg({
    acct_id: '10',
    fields: { src: '07917330699', dst: '6400' },
    start: '2024-03-01T10:00:00',
    start_utc: '2024-03-01T09:00:00Z',
    answer: '2024-03-01T10:00:10',
    end: '2024-03-01T10:01:00',
    action_kind: 'RINGGROUP',
    action_target: '6400',
  }),
  makeLeg({
    acct_id: '11',
    fields: { src: '2001', dst: '2002' },
    start: '2024-03-01T10:00:40',
    start_utc: '2024-03-01T09:00:40Z',
    answer: '2024-03-01T10:00:45',
    end: '2024-03-01T10:02:00',
    action_kind: 'TRANSFER',
  }),
  makeLeg({
    acct_id: '12',
    fields: { src: '2002', dst: '*97' },
    start: '2024-03-01T10:01:30',
    start_utc: '2024-03-01T09:01:30Z',
    answer: null,
    end: '2024-03-01T10:01:42',
    disposition: 'NO ANSWER',
    action_kind: 'VM',
  }),
];

function widthOf(el: Element): number {
  return parseFloat((el as HTMLElement).style.width);
}

function leftOf(el: Element): number {
  return parseFloat((el as HTMLElement).style.left);
}

describe('session timeline', () => {
  it('lays each leg out on one axis in proportion to its times', () => {
    const t = buildTimeline(legs);
    expect(t.seconds).toBe(120);
    expect(t.legs.map((l) => [l.offset, l.wait, l.talk])).toEqual([
      [0, 10 / 120, 50 / 120],
      [40 / 120, 5 / 120, 75 / 120],
      [90 / 120, 12 / 120, 0],
    ]);
    expect(t.legs.map((l) => [l.waitSeconds, l.talkSeconds, l.startsAt])).toEqual([
      [10, 50, 0],
      [5, 75, 40],
      [12, 0, 90],
    ]);
  });

  it('draws bars whose positions and segment widths follow the times', () => {
    const wrapper = mount(SessionTimeline, { props: { legs } });
    const rows = wrapper.findAll('[data-testid="timeline-leg"]');
    expect(rows).toHaveLength(3);

    const bars = rows.map((r) => r.get('.bar').element);
    expect(bars.map(leftOf)).toEqual([0, 33.333, 75]);
    expect(bars.map(widthOf)).toEqual([50, 66.667, 10]);

    // Inside a bar, waiting and talking split it by their durations.
    const first = rows[0];
    expect(widthOf(first.get('[data-testid="timeline-wait"]').element)).toBeCloseTo((10 / 60) * 100, 2);
    expect(widthOf(first.get('[data-testid="timeline-talk"]').element)).toBeCloseTo((50 / 60) * 100, 2);
    expect(first.get('[data-testid="timeline-wait"]').attributes('data-seconds')).toBe('10');

    // An unanswered leg only waits.
    expect(rows[2].find('[data-testid="timeline-talk"]').exists()).toBe(false);
    expect(widthOf(rows[2].get('[data-testid="timeline-wait"]').element)).toBe(100);
  });

  it('shows the legs in their order, with who called whom and the step kind', () => {
    const wrapper = mount(SessionTimeline, { props: { legs } });
    const rows = wrapper.findAll('[data-testid="timeline-leg"]');
    expect(rows.map((r) => r.attributes('data-kind'))).toEqual(['RINGGROUP', 'TRANSFER', 'VM']);
    expect(rows.map((r) => r.get('.who').text())).toEqual(['07917330699 → 6400', '2001 → 2002', '2002 → *97']);
    expect(rows[0].get('.kind').text()).toBe('RINGGROUP 6400');
    expect(rows[2].text()).toContain('NO ANSWER');
  });

  it('keeps the order the session gives even when a later leg started earlier', () => {
    const reordered = [legs[1], legs[0]];
    const wrapper = mount(SessionTimeline, { props: { legs: reordered } });
    const rows = wrapper.findAll('[data-testid="timeline-leg"]');
    expect(rows.map((r) => r.attributes('data-acct-id'))).toEqual(['11', '10']);
    expect(leftOf(rows[0].get('.bar').element)).toBeCloseTo(33.333, 2);
    expect(leftOf(rows[1].get('.bar').element)).toBe(0);
  });
});
