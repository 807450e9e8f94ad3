import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../main/cli/run.js';
import { collector } from './helpers.js';
import { tempDir } from '../support/fs.js';

/**
 * Every `ucmcdr ...` line of README's command-line sections and of each command's --help examples
 * must be a command line ucmcdr accepts as written: the command exists, every option exists and
 * every value passes its check. Commands are parsed only (no action runs), so an example naming a
 * PBX at 192.168.1.10 costs nothing.
 */

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** Stand-ins for what an example leaves to the reader (a fingerprint shown as AB:CD:...:EF). */
const PLACEHOLDERS: [RegExp, string][] = [[/^AB:CD:\.\.\.:EF$/, `${'AB:'.repeat(31)}AB`]];

/**
 * A shell line as words: quotes grouped; `# comment`, a help line's `   (comment)`, `> file` and what
 * follows `|`, `||`, `&&` dropped; VAR=value prefixes dropped.
 */
function words(text: string): string[] {
  const line = text.replace(/\s{2,}\(.*$/, '');
  const out: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word = (word ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word = word ?? '';
    } else if (/\s/.test(ch)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (ch === '#' && word === null) {
      break;
    } else word = (word ?? '') + ch;
  }
  if (word !== null) out.push(word);
  // The command ends where the shell would start another or redirect it.
  const end = out.findIndex((w) => ['>', '|', '||', '&&', ';'].includes(w));
  const command = end >= 0 ? out.slice(0, end) : out;
  while (command.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(command[0])) command.shift();
  return command;
}

/** The `ucmcdr` command lines of a text: one per line, `\` continuations joined. */
function commandLines(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^([A-Z_][A-Z0-9_]*=\S*\s+)*ucmcdr(\s|$)/.test(line));
}

/** README's shell blocks from "The command line" section up to the next top-level section. */
function readmeExamples(): string[] {
  const start = README.indexOf('## The command line');
  const section = README.slice(start, README.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap(commandLines);
}

function quietIo() {
  return { stdout: collector(), stderr: collector(), env: {}, stdin: new PassThrough() };
}

/** Every command's --help "Examples:" lines. */
function helpExamples(): string[] {
  const program = createProgram(quietIo());
  const all: Command[] = [];
  const walk = (command: Command): void => {
    for (const sub of command.commands) {
      all.push(sub);
      walk(sub);
    }
  };
  walk(program);
  return all.flatMap((command) => {
    const help = collector();
    command.configureOutput({ writeOut: (text) => help.write(text) });
    try {
      command.outputHelp();
    } catch {
      // outputHelp never throws for a defined command; ignore to keep the list going.
    }
    const text = help.text();
    const at = text.indexOf('Examples:');
    return at < 0 ? [] : commandLines(text.slice(at));
  });
}

class Parsed extends Error {}

/** Parses `argv` as ucmcdr would and stops before the command runs: null, or why it was refused. */
async function refusal(argv: string[]): Promise<string | null> {
  const io = quietIo();
  const program = createProgram(io);
  program.hook('preAction', () => {
    throw new Parsed();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 'the command ran without being stopped';
  } catch (error) {
    if (error instanceof Parsed) return null;
    if (error instanceof CommanderError && error.exitCode === 0) return null;
    return io.stderr.text() || String(error);
  }
}

function argvOf(line: string): string[] {
  const all = words(line).slice(1);
  // Examples name the user's files (carrier.csv, company-ca.pem): let them exist in the test's folder.
  for (const word of all) if (/^[\w.-]+\.(csv|pem|json|zip|xlsx)$/.test(word)) writeFileSync(join(tmp.dir, word), '');
  // `[--format json]` marks an optional part: it must parse both with and without it.
  return all.map((w) => w.replace(/^\[|\]$/g, '')).map((w) => PLACEHOLDERS.reduce((v, [re, by]) => v.replace(re, by), w));
}

const tmp = tempDir('ucmcdr-readme-');
const cwd = process.cwd();
beforeAll(() => {
  mkdirSync(join(tmp.dir, 'recordings'));
  process.chdir(tmp.dir);
});
afterAll(() => {
  process.chdir(cwd);
  tmp.cleanup();
});

describe('README and --help examples are command lines ucmcdr accepts as written', () => {
  const readme = readmeExamples();
  const help = helpExamples();

  it('finds the examples', () => {
    expect(readme.length).toBeGreaterThan(50);
    expect(help.length).toBeGreaterThan(50);
    expect(readme.map((line) => words(line).join(' '))).toContain('ucmcdr --version');
  });

  it.each(readme.map((line) => [line]))('README: %s', async (line) => {
    expect(await refusal(argvOf(line))).toBeNull();
  });

  it.each(help.map((line) => [line]))('--help: %s', async (line) => {
    expect(await refusal(argvOf(line))).toBeNull();
  });

  it('tells how to get a plain ucmcdr command, and npx ucmcdr otherwise', () => {
    const section = README.slice(README.indexOf('## The command line'));
    expect(section).toMatch(/npm link/);
    expect(section).toMatch(/npx ucmcdr/);
  });
});
