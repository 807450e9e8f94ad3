import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { obtainPassword } from '../../main/cli/password.js';
import { collector } from './helpers.js';

/** A stand-in terminal: a readable stdin that records raw-mode switches. */
function terminal() {
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    modes: [] as boolean[],
    setRawMode(mode: boolean) {
      stdin.modes.push(mode);
      return stdin;
    },
  });
  const stderr = collector();
  return { stdin, stderr, io: { stdin, stderr, stdout: collector(), env: {} } };
}

describe('the password prompt', () => {
  it('reads a line in raw mode without echoing it, honouring backspace', async () => {
    const t = terminal();
    const typed = obtainPassword(t.io, undefined, 'Password for cdrapi on office: ');
    t.stdin.write('sekx');
    t.stdin.write('\u007fret\r');
    expect(await typed).toBe('sekret');
    expect(t.stderr.text()).toBe('Password for cdrapi on office: \n');
    expect(t.stdin.modes).toEqual([true, false]);
  });

  it('treats Ctrl-C at the prompt as cancelling the command', async () => {
    const t = terminal();
    const typed = obtainPassword(t.io, undefined, 'Password: ');
    t.stdin.write('abc\u0003');
    await expect(typed).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(t.stdin.modes).toEqual([true, false]);
  });

  it('prefers the environment variable named with --password-env', async () => {
    const t = terminal();
    expect(await obtainPassword({ ...t.io, env: { PBX_PW: 'from-env' } }, 'PBX_PW', 'Password: ')).toBe('from-env');
    expect(t.stderr.text()).toBe('');
  });
});
