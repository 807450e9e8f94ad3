import type { FileRef } from './api.js';

/**
 * Names for numbers (README "Names for numbers"): each PBX's phonebook, which names the callee and the
 * answering party of its calls (CallRow.callee_name, answered_by_name) and lets a search find calls by
 * those names. JSON field names are what `ucmcdr contacts list --format json` prints.
 */

/**
 * Where a name comes from, highest first: a contacts file the user imported, the PBX's own extension
 * list (UCM63xx), or learned from the calls (the latest caller name of an extension's internal calls).
 * Where several name one number, the highest wins.
 */
export const CONTACT_SOURCES = ['imported', 'api', 'learned'] as const;
export type ContactSource = (typeof CONTACT_SOURCES)[number];

export interface Contact {
  /** The PBX whose phonebook holds it; '' for a contact imported for every PBX. */
  pbx: string;
  /** As written in the file, the PBX or the calls, without spaces, dashes, dots, slashes or brackets. */
  number: string;
  name: string;
  source: ContactSource;
  /** false when a higher source names the same number for the same PBX (the calls show that name instead). */
  in_use: boolean;
}

export interface ContactListRequest {
  /**
   * A PBX name: the names its calls show, one per number (the winning entry, its own or one imported
   * for every PBX). Absent: every stored entry, those imported for every PBX under pbx ''.
   */
  pbx?: string;
  /** Case-insensitive text found in the name or the number. */
  search?: string;
  /** At most this many (1..100,000); default all. */
  limit?: number;
}

export interface ContactList {
  contacts: Contact[];
  /** How many match in all (more than `contacts.length` when the limit cut the list). */
  total: number;
}

export interface ContactImportRequest {
  file: FileRef;
  /** The PBX whose phonebook gets the contacts; absent = every PBX (present and future). */
  pbx?: string;
  /** Replace the contacts imported earlier for the same PBX (or for every PBX) instead of adding to them. */
  replace?: boolean;
}

export interface ContactImportResult {
  /** The PBX the contacts went to; '' = every PBX. */
  pbx: string;
  /** Numbers not imported before. */
  added: number;
  /** Numbers imported before under another name. */
  updated: number;
  /** Numbers imported before under the same name. */
  unchanged: number;
  /** Earlier imported contacts dropped because of `replace`. */
  removed: number;
  /** Lines with a name but no number (nothing to import from them). */
  skipped: number;
  /** The columns read: the header of the name column(s) and of each number column. */
  columns: { name: string[]; numbers: string[] };
}

export interface ContactRemoveRequest {
  /** The PBX whose imported contacts go; absent = those imported for every PBX. */
  pbx?: string;
  /** These numbers; or `all` for every imported contact of that PBX. Names learned or read from the PBX stay. */
  numbers?: string[];
  all?: boolean;
}

export interface ContactRemoveResult {
  removed: number;
}

/** A file to import is refused whole when any line is bad; its BAD_FILE error lists them in `details.problems`. */
export interface ContactFileProblem {
  line: number;
  message: string;
}

export type { FileRef };
