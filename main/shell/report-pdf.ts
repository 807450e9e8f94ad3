import { BrowserWindow } from 'electron';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Its own in-memory session: nothing the report page does touches the app's cookies or cache. */
export const PDF_PARTITION = 'report-pdf';

/**
 * A report's HTML page as a PDF, printed by Chromium in a hidden window that can do nothing but lay
 * out the page: sandboxed, without JavaScript or Node, in its own session. The page comes from a
 * temporary file rather than a data: URL, which Chromium caps in size and a large table would exceed.
 */
export async function printHtmlToPdf(html: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'ucm-report-'));
  const file = join(dir, 'report.html');
  const win = new BrowserWindow({
    show: false,
    width: 900,
    height: 1200,
    webPreferences: {
      sandbox: true,
      javascript: false,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      partition: PDF_PARTITION,
    },
  });
  try {
    await writeFile(file, html, 'utf8');
    await win.loadFile(file);
    return await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
  } finally {
    win.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
