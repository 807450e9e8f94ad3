import { dialog, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import { basename } from 'node:path';
import type { FileRef, SaveFormat, UcmApi } from '../../preload/api.js';
import type { FileRefRegistry } from '../app/file-refs.js';

const IMPORT_FILTERS = [
  { name: 'CDR files (CSV, JSON, XML, ZIP)', extensions: ['csv', 'json', 'xml', 'zip', 'txt'] },
  { name: 'All files', extensions: ['*'] },
];

const SAVE_FILTER_NAMES: Record<SaveFormat, string> = { csv: 'CSV', json: 'JSON', xlsx: 'Excel workbook', html: 'Web page (HTML)', pdf: 'PDF' };
const SAVE_TITLES: Record<SaveFormat, string> = { csv: 'Export calls', json: 'Export calls', xlsx: 'Export calls', html: 'Save report', pdf: 'Save report' };

/** A suggested file name without folders, so the dialog cannot be steered to another directory. */
function safeSuggestion(name: string, format: SaveFormat): string {
  const base = basename(name.replace(/\\/g, '/')).trim();
  const clean = base === '' || base.startsWith('.') ? `${format === 'html' || format === 'pdf' ? 'report' : 'calls'}.${format}` : base;
  return clean.toLowerCase().endsWith(`.${format}`) ? clean : `${clean}.${format}`;
}

/**
 * The desktop's file choices: native dialogs whose results become opaque FileRefs, so the renderer
 * never sees or supplies a path. Cancelling answers [] / null.
 */
export function createNativeDialogs(getWindow: () => BrowserWindow | null, files: FileRefRegistry): UcmApi['dialogs'] {
  const open = async (options: OpenDialogOptions): Promise<string[]> => {
    const win = getWindow();
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  };
  const save = async (options: SaveDialogOptions): Promise<string | null> => {
    const win = getWindow();
    const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  };

  return {
    async pickImportFiles(): Promise<FileRef[]> {
      const paths = await open({ title: 'Import call records', properties: ['openFile', 'multiSelections'], filters: IMPORT_FILTERS });
      return paths.map((path) => files.add(path, 'file'));
    },
    async pickSaveFile({ suggested_name, format }): Promise<FileRef | null> {
      const path = await save({
        title: SAVE_TITLES[format],
        defaultPath: safeSuggestion(suggested_name, format),
        filters: [{ name: SAVE_FILTER_NAMES[format], extensions: [format] }],
        // Windows and macOS always ask before replacing a file; GTK only when told to.
        properties: ['showOverwriteConfirmation'],
      });
      return path === null ? null : files.add(path, 'save');
    },
    async pickFolder(): Promise<FileRef | null> {
      const [path] = await open({ title: 'Export recordings to', properties: ['openDirectory', 'createDirectory'] });
      return path === undefined ? null : files.add(path, 'folder');
    },
  };
}
