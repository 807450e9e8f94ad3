import type Database from 'better-sqlite3';

/**
 * A connection to the cache. Kept in a module of its own that imports nothing of ours, so that every
 * store module can name it without importing the code that opens the cache (db.ts), and the opening
 * can use those modules without a cycle.
 */
export type Db = Database.Database;
