import { defineStore } from 'pinia';
import { Howl } from 'howler';
import { ref } from 'vue';
import type { CallRow } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { formatWallClock, recordingName } from '../format.js';
import { usePbxStore } from './pbx.js';

export const PLAYBACK_RATES = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;
const TICK_MS = 250;

export type PlayerStatus = 'idle' | 'loading' | 'ready' | 'playing' | 'paused' | 'error';

export interface NowPlaying {
  call_id: number;
  session: string;
  recording: string;
  /** The file name, shown as a detail. */
  name: string;
  /** The call, `1003 → 6300 · 2024-03-07 11:53:29`, as the player names what it plays. */
  call: string;
}

/** The part of a call the player needs: which recording of which call, and what to call it. */
export type PlayedCall = Pick<CallRow, 'id' | 'session' | 'pbx'> & Partial<Pick<CallRow, 'src' | 'dst' | 'dst_line' | 'start'>>;

/** The callee as the screens name it: an analog call's line rather than its `s` (CallRow.dst_line). */
function describeCall(call: PlayedCall): string {
  const to = call.dst_line || call.dst || '';
  const parties = call.src || to ? `${call.src ?? ''} → ${to}` : `Session ${call.session}`;
  return call.start ? `${parties} · ${formatWallClock(call.start)}` : parties;
}

/** Where the player's audio format comes from: the served URL has no file extension. */
function audioFormat(recording: string): string {
  const match = /\.([a-z0-9]{2,4})$/i.exec(recording);
  return match ? match[1].toLowerCase() : 'wav';
}

/**
 * One recording at a time, played by howler in HTML5 mode so the browser streams it with range
 * requests instead of downloading and decoding it whole.
 */
export const usePlayerStore = defineStore('player', () => {
  const current = ref<NowPlaying | null>(null);
  const status = ref<PlayerStatus>('idle');
  const position = ref(0);
  const duration = ref(0);
  const rate = ref(1);
  const volume = ref(1);
  const error = ref<ErrorView | null>(null);

  let howl: Howl | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  let generation = 0;

  function stopTicker(): void {
    if (ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  function readPosition(): void {
    if (howl) {
      const at = howl.seek();
      if (typeof at === 'number' && Number.isFinite(at)) position.value = at;
    }
  }

  function startTicker(): void {
    stopTicker();
    ticker = setInterval(readPosition, TICK_MS);
  }

  function unload(): void {
    stopTicker();
    howl?.unload();
    howl = null;
  }

  function fail(e: unknown): void {
    stopTicker();
    status.value = 'error';
    error.value = describeError(toApiError(e));
  }

  async function open(call: PlayedCall, recording: string, autoplay = true): Promise<void> {
    const gen = ++generation;
    unload();
    current.value = { call_id: call.id, session: call.session, recording, name: recordingName(recording), call: describeCall(call) };
    status.value = 'loading';
    position.value = 0;
    duration.value = 0;
    error.value = null;

    let url: string;
    try {
      const pbx = usePbxStore();
      const profile = pbx.byName(call.pbx);
      const request = { call_id: call.id, recording };
      const result = profile
        ? await pbx.withPassword(profile, (password) =>
            api.recordings.play(password === undefined ? request : { ...request, password }),
          )
        : await api.recordings.play(request);
      url = result.url;
    } catch (e) {
      if (gen === generation) fail(e);
      return;
    }
    if (gen !== generation) return;

    const sound: Howl = new Howl({
      src: [url],
      html5: true,
      format: [audioFormat(recording)],
      rate: rate.value,
      volume: volume.value,
      onload: () => {
        duration.value = sound.duration();
        if (status.value === 'loading') status.value = 'ready';
      },
      onplay: () => {
        duration.value = sound.duration();
        status.value = 'playing';
        startTicker();
      },
      onpause: () => {
        readPosition();
        stopTicker();
        status.value = 'paused';
      },
      onend: () => {
        stopTicker();
        position.value = duration.value;
        status.value = 'paused';
      },
      onseek: () => readPosition(),
      onloaderror: (_id, reason) => fail({ code: 'INTERNAL', message: `The recording could not be loaded (${String(reason)}).` }),
      onplayerror: (_id, reason) => fail({ code: 'INTERNAL', message: `The recording could not be played (${String(reason)}).` }),
    });
    howl = sound;
    if (autoplay) sound.play();
  }

  /** Space in the call table: the call's first recording. False when it has none. */
  function playFirst(call: CallRow): boolean {
    const first = call.recordings[0];
    if (first === undefined) return false;
    void open(call, first);
    return true;
  }

  function play(): void {
    if (howl && status.value !== 'playing' && status.value !== 'error') howl.play();
  }

  function pause(): void {
    if (howl && status.value === 'playing') howl.pause();
  }

  function toggle(): void {
    if (status.value === 'playing') pause();
    else play();
  }

  function seek(seconds: number): void {
    if (!howl || !Number.isFinite(seconds)) return;
    const max = duration.value > 0 ? duration.value : seconds;
    const to = Math.min(Math.max(seconds, 0), max);
    howl.seek(to);
    position.value = to;
  }

  function setRate(value: number): void {
    if (!(PLAYBACK_RATES as readonly number[]).includes(value)) return;
    rate.value = value;
    howl?.rate(value);
  }

  function setVolume(value: number): void {
    if (!Number.isFinite(value)) return;
    volume.value = Math.min(Math.max(value, 0), 1);
    howl?.volume(volume.value);
  }

  function close(): void {
    generation++;
    unload();
    current.value = null;
    status.value = 'idle';
    position.value = 0;
    duration.value = 0;
    error.value = null;
  }

  return { current, status, position, duration, rate, volume, error, open, playFirst, play, pause, toggle, seek, setRate, setVolume, close };
});
