import type { ImportEntry } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { wholeNumber as count } from './checks.js';
import type { Db } from './db-type.js';
import type { FieldSets } from './field-sets.js';
import type { Ingest } from './ingest.js';
import type { ImportsArea } from './types.js';

/**
 * The import log: one row per imported file that wrote something, created with its first batch and
 * brought up to date in each batch's transaction, so the log always matches what is stored, even
 * after a killed import. It is what `ucmcdr imports list` shows and what `imports undo` works from.
 * `requirePbx` returns the id of an existing profile or throws NOT_FOUND; the field sets forget what
 * they cached as stored when an undo rolls back.
 */
export function createImportLog(db: Db, ingest: Ingest, fieldSets: FieldSets, requirePbx: (pbxId: number) => number): ImportsArea {
  const insert = db.prepare(
    `INSERT INTO import_log (pbx_id, file, format, imported, already_present, merged, rejected, at, state)
     VALUES (?, ?, ?, 0, 0, 0, 0, ?, 'running')`,
  );
  const setCounts = db.prepare(
    `UPDATE import_log SET imported = ?, already_present = ?, merged = ?, rejected = ?, kept = ?, elsewhere = ?,
       state = coalesce(?, state) WHERE id = ? AND state <> 'undone'`,
  );
  const select = `SELECT l.id, l.file, l.format, p.name AS source, l.at AS "when", l.imported, l.already_present, l.merged,
       l.rejected, l.kept, l.elsewhere, l.state FROM import_log AS l JOIN pbx AS p ON p.id = l.pbx_id`;
  const all = db.prepare<[], ImportEntry>(`${select} ORDER BY l.id DESC`);
  const one = db.prepare<[number], ImportEntry>(`${select} WHERE l.id = ?`);
  const markUndone = db.prepare("UPDATE import_log SET state = 'undone' WHERE id = ?");

  const undo = db.transaction((id: number) => {
    const row = one.get(id);
    if (row === undefined) {
      throw new AppError('NOT_FOUND', `There is no import with id ${id}. \`ucmcdr imports list\` shows the imports and their ids.`, { id });
    }
    if (row.state === 'undone') {
      throw new AppError('BAD_INPUT', `Import ${id} (${row.file}) was undone already; nothing was changed.`, { id });
    }
    const result = ingest.undoImport(id);
    markUndone.run(id);
    return { entry: { ...row, state: 'undone' as const }, ...result };
  });

  return {
    begin(start) {
      const pbxId = requirePbx(start.pbx_id);
      if (typeof start.file !== 'string' || start.file === '' || typeof start.format !== 'string' || start.format === '') {
        throw new AppError('BAD_INPUT', 'An import is logged with its file name and format.');
      }
      return Number(insert.run(count(pbxId, 'pbx_id'), start.file, start.format, new Date().toISOString()).lastInsertRowid);
    },
    update(id, counts, state) {
      setCounts.run(
        count(counts.imported, 'imported'),
        count(counts.already_present, 'already_present'),
        count(counts.merged, 'merged'),
        count(counts.rejected, 'rejected'),
        count(counts.kept, 'kept'),
        count(counts.elsewhere, 'elsewhere'),
        state ?? null,
        id,
      );
    },
    list: () => all.all(),
    undo(id) {
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
        throw new AppError('BAD_INPUT', `An import id is a whole number (see \`ucmcdr imports list\`), got ${JSON.stringify(id)}.`);
      }
      try {
        return undo(id);
      } catch (error) {
        fieldSets.forget();
        throw error;
      }
    },
  };
}
