import Database from 'better-sqlite3';
import type { FormatInfo, SniffInput, SniffResult } from '../../src/converter.js';
import {
  explainSqlite,
  generationOf,
  hasSqliteHeader,
  missingTable,
  listTables,
  readColumns,
} from './schema.js';

/** SlideRunner's SQLite database: many slides, per-annotator labels, agreed class, soft delete. */
export const sliderunnerFormat = {
  id: 'sliderunner-sqlite',
  name: 'SlideRunner SQLite',
  extensions: ['.sqlite', '.db'],
  mediaType: 'application/vnd.sqlite3',
  multiSlide: true,
  binary: true,
  capabilities: {
    geometries: ['point', 'rectangle', 'polygon', 'ellipse'],
    holes: false,
    classes: 'flat',
    perAnnotatorLabels: true,
    measurements: false,
    objectKinds: true,
    colors: true,
    names: false,
    groups: false,
    micronsPerPixel: false,
    deletedFlag: true,
  },
  sniff: sniffSlideRunner,
} as const satisfies FormatInfo;

/** A SQLite header, then the SlideRunner tables, checked on a read-only connection. */
function sniffSlideRunner({ path, head }: SniffInput): SniffResult {
  if (!hasSqliteHeader(head)) {
    return { match: false, reason: 'does not start with the SQLite header "SQLite format 3"' };
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = listTables(db);
    const missing = missingTable(tables);
    if (missing) {
      return { match: false, reason: `a SQLite database without the SlideRunner table ${missing}` };
    }
    const generation = generationOf(readColumns(db, tables));
    return {
      match: true,
      reason: 'a SQLite database with the SlideRunner tables',
      confidence: 1,
      version: `${generation} schema`,
    };
  } catch (e) {
    return {
      match: false,
      reason: `SQLite header, but SQLite cannot read it: ${explainSqlite(e)}`,
    };
  } finally {
    db?.close();
  }
}
