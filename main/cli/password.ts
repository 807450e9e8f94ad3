import { AppError } from '../errors.js';
import type { CliIo } from './io.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The variable named with `option` is missing or empty. The message names the variable (it passed
 * the name check, so it reads as a name) and never shows a value.
 */
function unsetVariable(name: string, option: string, what: string): AppError {
  return new AppError(
    'BAD_INPUT',
    `The environment variable ${name} (named with ${option}) is not set or is empty: set it to ${what} first.`,
    { variable: name },
  );
}

/**
 * The PBX password for one run: from the environment variable named by --password-env, else typed on
 * the terminal without echo. Messages never repeat what was given with --password-env, in case
 * someone passed the password itself there.
 */
export async function obtainPassword(io: CliIo, envName: string | undefined, prompt: string): Promise<string> {
  if (envName !== undefined) return secretFromVariable(io, envName, '--password-env', 'the PBX password');
  if (!io.stdin.isTTY || typeof io.stdin.setRawMode !== 'function') {
    throw new AppError(
      'PASSWORD_REQUIRED',
      'A PBX password is needed and there is no terminal to type it: put it in an environment variable and pass its name with --password-env VAR.',
    );
  }
  return promptHidden(io, prompt);
}

/**
 * The secret in the environment variable named with `option` (--password-env, --smtp-password-env).
 * A "name" that is not one (someone passed the password itself) is refused without repeating it.
 */
export function secretFromVariable(io: CliIo, name: string, option: string, what: string): string {
  if (!ENV_NAME.test(name)) {
    throw new AppError(
      'BAD_INPUT',
      `${option} takes the NAME of an environment variable holding ${what} (letters, digits, _), not the password itself.`,
    );
  }
  const value = io.env[name];
  if (value === undefined || value === '') throw unsetVariable(name, option, what);
  return value;
}

/** Reads one line from the terminal in raw mode so the typed characters are not echoed. */
function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: AppError | null): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null);
        if (ch === '\u0003') return finish(new AppError('CANCELLED', 'Cancelled.'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
