import { stableHash } from './random.js';

const SAMPLE_RATE = 8000;
const BYTES_PER_SAMPLE = 2;
const HEADER_BYTES = 44;
// DTMF row and column tones: recognisable, and cheap to tell apart by ear when testing playback.
const LOW_TONES = [697, 770, 852, 941] as const;
const HIGH_TONES = [1209, 1336, 1477, 1633] as const;

/** Length in whole seconds (1-3) of the recording served under a name. */
export function wavSeconds(name: string): number {
  return 1 + (stableHash(name) % 3);
}

export function wavBytes(name: string): number {
  return HEADER_BYTES + wavSeconds(name) * SAMPLE_RATE * BYTES_PER_SAMPLE;
}

/**
 * A small real WAV for a recording name: 8 kHz 16-bit mono PCM, a dual tone chosen by the name's
 * hash, with a short fade at both ends. The same name always gives the same bytes.
 */
export function wavFor(name: string): Buffer {
  const hash = stableHash(name);
  const samples = wavSeconds(name) * SAMPLE_RATE;
  const dataBytes = samples * BYTES_PER_SAMPLE;
  const out = Buffer.alloc(HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(SAMPLE_RATE, 24);
  out.writeUInt32LE(SAMPLE_RATE * BYTES_PER_SAMPLE, 28);
  out.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  const low = LOW_TONES[hash % 4] as number;
  const high = HIGH_TONES[(hash >>> 2) % 4] as number;
  const fade = SAMPLE_RATE / 50;
  for (let i = 0; i < samples; i++) {
    const t = i / SAMPLE_RATE;
    const envelope = Math.min(1, i / fade, (samples - 1 - i) / fade);
    const value = (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t)) * 0.35 * envelope;
    out.writeInt16LE(Math.round(value * 32767), HEADER_BYTES + i * BYTES_PER_SAMPLE);
  }
  return out;
}
