import Database from 'better-sqlite3';

export { fixture, makeZip } from './files.js';

/** Every row of every table, through a separate read-only connection: equal dumps = unchanged cache. */
export function dumpDatabase(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables) dump[name] = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all();
    return dump;
  } finally {
    db.close();
  }
}
