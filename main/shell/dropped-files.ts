import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { FileRef } from '../../preload/api.js';
import { AppError } from '../errors.js';
import type { FileRefRegistry } from '../app/file-refs.js';

const dropSchema = z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) });

/**
 * Desktop drops: the preload reads the paths of files the user dropped (webUtils) and main turns
 * them into handles. Only absolute paths of existing regular files become refs; folders, devices
 * and made-up paths are refused by name.
 */
export function refsForDroppedFiles(payload: unknown, files: FileRefRegistry): FileRef[] {
  const parsed = dropSchema.safeParse(payload);
  if (!parsed.success) throw new AppError('BAD_INPUT', 'Refused the dropped files: expected a list of 1 to 1000 file paths.');
  return parsed.data.paths.map((path) => {
    const info = isAbsolute(path) ? statSync(path, { throwIfNoEntry: false }) : undefined;
    if (!info?.isFile()) {
      throw new AppError('BAD_INPUT', `"${path.slice(-120)}" is not a file that can be imported; drop files, not folders.`);
    }
    return files.add(path, 'file');
  });
}
