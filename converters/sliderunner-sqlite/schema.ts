import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { InputError } from '../../src/errors.js';

/**
 * The SlideRunner database layout: which tables a file must have, how to learn the columns a
 * given file really has (they drifted between versions and their order differs between files),
 * and the newest schema with its triggers for writing.
 */

/** Tables every SlideRunner database has, in the order SlideRunner's `create()` makes them. */
export const REQUIRED_TABLES = [
  'Annotations_label',
  'Annotations_coordinates',
  'Annotations',
  'Classes',
  'Persons',
  'Slides',
] as const;

export type TableName = (typeof REQUIRED_TABLES)[number] | 'Log';

/** Which schema generation a file is: old (2018–19), 2020 (guid, deleted) or 2021 (clickable). */
export type Generation = 'old' | '2020' | '2021';

/** The columns each table of one file has, by name. */
export type ColumnMap = Record<TableName, Set<string>>;

/** The version SlideRunner writes after migrating a database; read at open by `PRAGMA`. */
export const USER_VERSION = 3;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function hasSqliteHeader(head: Buffer): boolean {
  return head.length >= SQLITE_MAGIC.length && head.subarray(0, 16).equals(SQLITE_MAGIC);
}

/** Open a database for reading only; the file is never written, not even its journal. */
export function openReadOnly(path: string): Database.Database {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new InputError(`cannot open as SQLite: ${(e as Error).message}`, path);
  }
}

/** The table names present; SQLite's error when it cannot read the file at all. */
export function listTables(db: Database.Database): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
  return new Set(rows as string[]);
}

/** The table names present, or an error naming the file when SQLite cannot read it. */
export function tableNames(db: Database.Database, path: string): Set<string> {
  try {
    return listTables(db);
  } catch (e) {
    throw new InputError(`not a readable SQLite database (${explainSqlite(e)})`, path);
  }
}

/** The first SlideRunner table the file lacks, if any. */
export function missingTable(tables: Set<string>): string | undefined {
  return REQUIRED_TABLES.find((name) => !tables.has(name));
}

/** Read the columns of every SlideRunner table with `PRAGMA table_info`, never by position. */
export function readColumns(db: Database.Database, tables: Set<string>): ColumnMap {
  const map = {} as ColumnMap;
  for (const table of [...REQUIRED_TABLES, 'Log'] as TableName[]) {
    map[table] = new Set();
    if (!tables.has(table)) continue;
    const info = db.prepare(`PRAGMA table_info(\`${table}\`)`).all() as { name: string }[];
    for (const column of info) map[table].add(column.name);
  }
  return map;
}

export function generationOf(columns: ColumnMap): Generation {
  if (columns.Annotations.has('clickable')) return '2021';
  if (columns.Annotations.has('guid')) return '2020';
  return 'old';
}

/** SQLite's own words plus a hint for the two cases users meet: a truncated or foreign file. */
export function explainSqlite(error: unknown): string {
  const text = (error as Error).message;
  if (/malformed|disk image/i.test(text)) return `${text}; the file looks truncated or corrupt`;
  if (/not a database/i.test(text)) return `${text}; the file is not a SQLite database`;
  return text;
}

/**
 * The newest schema SlideRunner writes (the 2021 MIDOG generation): the 2020 columns plus
 * `clickable` on annotations and classes. Column order follows SlideRunner's `create()`.
 */
export function createStatements(now: number): string[] {
  return [
    'CREATE TABLE `Annotations_label` (`uid` INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, ' +
      '`person` INTEGER, `class` INTEGER, `exact_id` INTEGER, `annoId` INTEGER)',
    'CREATE TABLE `Annotations_coordinates` (`uid` INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, ' +
      '`coordinateX` INTEGER, `coordinateY` INTEGER, `coordinateZ` INTEGER DEFAULT 0, ' +
      '`slide` INTEGER, `annoId` INTEGER, `orderIdx` INTEGER)',
    'CREATE TABLE `Annotations` (`uid` INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, ' +
      `\`slide\` INTEGER, \`guid\` TEXT, \`lastModified\` REAL DEFAULT ${now}, ` +
      '`deleted` INTEGER DEFAULT 0, `type` INTEGER, `agreedClass` INTEGER, ' +
      '`description` TEXT, `clickable` INTEGER DEFAULT 1)',
    'CREATE TABLE `Classes` (`uid` INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, `name` TEXT, ' +
      '`color` TEXT, `clickable` INTEGER DEFAULT 1)',
    'CREATE TABLE `Persons` (`uid` INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, `name` TEXT, ' +
      '`isExactUser` INTEGER DEFAULT 0)',
    'CREATE TABLE `Slides` (`uid` INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, `filename` TEXT, ' +
      '`width` INTEGER, `height` INTEGER, `directory` TEXT, `uuid` TEXT, `exactImageID` TEXT, ' +
      '`EXACTUSER` INTEGER DEFAULT 0)',
    'CREATE TABLE `Log` (`uid` INTEGER PRIMARY KEY AUTOINCREMENT, `dateTime` FLOAT, ' +
      '`labelId` INTEGER)',
  ];
}

/** SlideRunner's triggers: stamp `lastModified`, fill a missing `guid` and class colour. */
export function triggerStatements(): string[] {
  const stamp = (name: string, table: string, event: string, key: string) =>
    `CREATE TRIGGER ${name} AFTER ${event} ON ${table} BEGIN ` +
    `UPDATE Annotations SET lastModified=pycurrent_time() where uid==new.${key}; END`;
  const out: string[] = [];
  for (const event of ['UPDATE', 'INSERT']) {
    out.push(stamp(`updateAnnotation_fromLabel${event}`, 'Annotations_label', event, 'annoId'));
    out.push(
      stamp(`updateAnnotation_fromCoords${event}`, 'Annotations_coordinates', event, 'annoId'),
    );
    out.push(stamp(`updateAnnotation_${event}`, 'Annotations', event, 'uid'));
  }
  out.push(
    'CREATE TRIGGER updateAnnotation_ins AFTER INSERT ON Annotations BEGIN ' +
      'UPDATE Annotations SET guid=generate_uuid() where uid==new.uid and guid is Null; END',
    'CREATE TRIGGER setRandomcolor AFTER INSERT ON Classes BEGIN ' +
      'UPDATE Classes SET color=randcolor() where uid==new.uid and color is Null; END',
  );
  return out;
}

/**
 * Register the three functions SlideRunner registers on its connection. Its triggers call
 * them, so without them no INSERT or UPDATE works on a SlideRunner database.
 */
export function registerSlideRunnerFunctions(db: Database.Database): void {
  db.function('pycurrent_time', { deterministic: false }, () => Date.now() / 1000);
  db.function('generate_uuid', { deterministic: false }, () => randomUUID());
  db.function('randcolor', { deterministic: false }, randomColor);
}

/** `#rrggbb` with each channel in 30–254, as SlideRunner's `random_color()`. */
export function randomColor(): string {
  const channel = () => (30 + Math.floor(Math.random() * 225)).toString(16).padStart(2, '0');
  return `#${channel()}${channel()}${channel()}`;
}
