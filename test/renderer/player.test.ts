import { fakeApi, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import PlayerBar from '../../renderer/src/components/PlayerBar.vue';
import { usePlayerStore } from '../../renderer/src/stores/player.js';

// A test double for howler's Howl (tests only): records calls, lets the test fire its events.
const howler = vi.hoisted(() => {
  type Options = Record<string, unknown> & { onload?: () => void; onplay?: () => void; onpause?: () => void; onend?: () => void };
  class FakeHowl {
    static instances: FakeHowl[] = [];
    position = 0;
    length = 65;
    calls: [string, ...unknown[]][] = [];
    constructor(readonly options: Options) {
      FakeHowl.instances.push(this);
    }
    play() {
      this.calls.push(['play']);
      return 1;
    }
    pause() {
      this.calls.push(['pause']);
      return this;
    }
    seek(to?: number) {
      if (to === undefined) return this.position;
      this.calls.push(['seek', to]);
      this.position = to;
      return this;
    }
    rate(value: number) {
      this.calls.push(['rate', value]);
      return this;
    }
    volume(value: number) {
      this.calls.push(['volume', value]);
      return this;
    }
    duration() {
      return this.length;
    }
    unload() {
      this.calls.push(['unload']);
    }
  }
  return { FakeHowl };
});

vi.mock('howler', () => ({ Howl: howler.FakeHowl }));

let pinia: Pinia;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  resetFakeApi();
  howler.FakeHowl.instances = [];
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.recordings.play.mockResolvedValue({ url: '/recordings/1/0', bytes: 480_000 });
});

afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

async function openRecording() {
  const player = usePlayerStore();
  const row = makeRow(0, { recordings: ['2024-03/auto-1709280000#1001-2001.wav'] });
  await player.open(row, row.recordings[0]);
  const wrapper = mount(PlayerBar, { global: { plugins: [pinia] } });
  const howl = howler.FakeHowl.instances[0];
  return { player, wrapper, howl };
}

describe('player', () => {
  it('shows the call (from, to, time) with the file name as detail, not the raw file name alone', async () => {
    const { wrapper } = await openRecording();
    const what = wrapper.get('[data-testid="player-call"]').text();
    expect(what).toBe('1000 → 2000 · 2024-03-01 08:00:00');
    expect(wrapper.get('[data-testid="player-file"]').text()).toBe('auto-1709280000#1001-2001.wav');
  });

  it('loads the URL the service gives, streaming in HTML5 mode, and starts playing', async () => {
    const { howl } = await openRecording();
    expect(fakeApi.recordings.play).toHaveBeenCalledWith({ call_id: 1, recording: '2024-03/auto-1709280000#1001-2001.wav' });
    expect(howl.options).toMatchObject({ src: ['/recordings/1/0'], html5: true, format: ['wav'] });
    expect(howl.calls).toEqual([['play']]);
  });

  it('toggles play and pause from its button', async () => {
    const { wrapper, howl } = await openRecording();
    howl.options.onload?.();
    howl.options.onplay?.();
    await flushPromises();
    const button = wrapper.get('[data-testid="player-play"]');
    expect(button.attributes('aria-label')).toBe('Pause');

    await button.trigger('click');
    expect(howl.calls.at(-1)).toEqual(['pause']);
    howl.options.onpause?.();
    await flushPromises();
    expect(button.attributes('aria-label')).toBe('Play');

    await button.trigger('click');
    expect(howl.calls.at(-1)).toEqual(['play']);
  });

  it('shows the time and seeks where the bar is moved', async () => {
    const { wrapper, howl } = await openRecording();
    howl.options.onload?.();
    await flushPromises();
    expect(wrapper.get('[data-testid="player-time"]').text()).toBe('0:00 / 1:05');

    await wrapper.get('[data-testid="player-seek"]').setValue('30');
    expect(howl.calls.at(-1)).toEqual(['seek', 30]);
    expect(wrapper.get('[data-testid="player-time"]').text()).toBe('0:30 / 1:05');
  });

  it('follows the playing position while it plays', async () => {
    const { wrapper, howl } = await openRecording();
    howl.options.onload?.();
    howl.options.onplay?.();
    howl.position = 12.4;
    await vi.advanceTimersByTimeAsync(300);
    expect(wrapper.get('[data-testid="player-time"]').text()).toBe('0:12 / 1:05');
  });

  it('changes speed and volume', async () => {
    const { wrapper, howl, player } = await openRecording();
    await wrapper.get('[data-testid="player-speed"]').setValue('1.5');
    expect(howl.calls.at(-1)).toEqual(['rate', 1.5]);
    expect(player.rate).toBe(1.5);
    await wrapper.get('[data-testid="player-volume"]').setValue('0.4');
    expect(howl.calls.at(-1)).toEqual(['volume', 0.4]);
  });

  it('refuses speeds outside 0.5x to 2x', async () => {
    const { howl, player } = await openRecording();
    player.setRate(4);
    expect(player.rate).toBe(1);
    expect(howl.calls.some(([name]) => name === 'rate')).toBe(false);
  });

  it('releases the previous recording when another one starts', async () => {
    const { player, howl } = await openRecording();
    await player.open(makeRow(1), 'other.mp3');
    expect(howl.calls.at(-1)).toEqual(['unload']);
    expect(howler.FakeHowl.instances[1].options).toMatchObject({ format: ['mp3'] });
  });

  it('shows why a recording cannot be played', async () => {
    fakeApi.recordings.play.mockRejectedValue({ code: 'RECORDING_GONE', message: '404 from recapi' });
    const { wrapper, howl } = await openRecording();
    expect(howl).toBeUndefined();
    expect(wrapper.get('[data-testid="error-banner"]').text()).toContain('no longer holds this recording');
  });
});
