import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { AppError } from '../errors.js';
import { csvLine } from '../export/csv.js';

/**
 * The `--report FILE` of an import: every rejected row as CSV `file,line,reason,raw`, written as rows
 * are rejected so a file with many bad rows does not pile them up in memory.
 */
export class RejectReport {
  private constructor(
    private readonly out: WriteStream,
    private readonly path: string,
  ) {}

  static async open(path: string): Promise<RejectReport> {
    const out = createWriteStream(path, { flags: 'w' });
    try {
      await once(out, 'open');
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new AppError('BAD_INPUT', `Cannot write the report file "${path}": ${why}. Choose a writable location.`, { file: path });
    }
    const report = new RejectReport(out, path);
    await report.write(['file', 'line', 'reason', 'raw']);
    return report;
  }

  add(file: string, line: number, reason: string, raw: string): Promise<void> {
    return this.write([file, String(line), reason, raw]);
  }

  private async write(cells: string[]): Promise<void> {
    if (!this.out.write(csvLine(cells))) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    try {
      await once(this.out, 'finish');
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new AppError('BAD_INPUT', `Cannot finish the report file "${this.path}": ${why}.`, { file: this.path });
    }
  }
}
