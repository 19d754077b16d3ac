import { basename, extname } from 'node:path';
import type Database from 'better-sqlite3';
import type { ConvertContext, ReadInput } from '../../src/converter.js';
import { InputError } from '../../src/errors.js';
import { parseHexColor } from '../../src/model/color.js';
import type {
  AnnotationClass,
  Annotator,
  DatasetHeader,
  RecordStream,
  Slide,
} from '../../src/model/types.js';
import { FORMAT_ID, type LogRow, annotatorKind } from './conventions.js';
import { type Dictionaries, readObjects } from './read-objects.js';
import {
  type ColumnMap,
  explainSqlite,
  generationOf,
  missingTable,
  openReadOnly,
  readColumns,
  tableNames,
} from './schema.js';

/** An opened SlideRunner file: its connection and the columns its tables really have. */
export interface Source {
  path: string;
  db: Database.Database;
  columns: ColumnMap;
  tables: Set<string>;
}

type Row = Record<string, unknown>;

/**
 * Read a SlideRunner database as canonical records: the dataset header (with the Log table),
 * slides, classes and persons, then one object per annotation, streamed in uid order. The
 * file is opened read-only and never written.
 */
export async function* fromSlideRunner(input: ReadInput, context: ConvertContext): RecordStream {
  const source = openSource(input.path);
  try {
    const header = datasetHeader(source);
    const dictionaries = readDictionaries(source);
    yield header;
    yield* dictionaries.slides.values();
    yield* dictionaries.classes.values();
    yield* dictionaries.annotators.values();
    yield* readObjects(source, dictionaries, context);
  } finally {
    source.db.close();
  }
}

/** Open read-only and check the tables, naming the first missing one. */
export function openSource(path: string): Source {
  const db = openReadOnly(path);
  try {
    const tables = tableNames(db, path);
    const missing = missingTable(tables);
    if (missing) {
      throw new InputError(
        `not a SlideRunner database: the table ${missing} is missing`,
        path,
        `table ${missing}`,
      );
    }
    return { path, db, tables, columns: readColumns(db, tables) };
  } catch (e) {
    db.close();
    throw e;
  }
}

/** All rows of a table in uid order, as objects keyed by column name. */
export function allRows(source: Source, table: string): Row[] {
  try {
    return source.db.prepare(`SELECT * FROM \`${table}\` ORDER BY uid`).all() as Row[];
  } catch (e) {
    throw new InputError(`cannot read the table: ${explainSqlite(e)}`, source.path, table);
  }
}

function datasetHeader(source: Source): DatasetHeader {
  const version = source.db.pragma('user_version', { simple: true });
  const header: DatasetHeader = {
    type: 'dataset',
    schema: 'slidepack.canonical/1',
    name: basename(source.path, extname(source.path)),
    sources: [
      {
        format: FORMAT_ID,
        version: `${generationOf(source.columns)} schema, user_version ${version}`,
        file: source.path,
      },
    ],
  };
  const log = source.tables.has('Log') ? readLog(source) : [];
  if (log.length) header.extras = { [FORMAT_ID]: { log } };
  return header;
}

/** The Log table (when each label was set), kept so a SlideRunner round trip keeps it too. */
function readLog(source: Source): LogRow[] {
  return allRows(source, 'Log').map((row) => ({
    uid: row.uid as number,
    dateTime: (row.dateTime ?? null) as number | null,
    labelId: (row.labelId ?? null) as number | null,
  }));
}

function readDictionaries(source: Source): Dictionaries {
  const slides = uniqueIds(allRows(source, 'Slides'), 'filename', 'slide');
  const classes = uniqueIds(allRows(source, 'Classes'), 'name', 'class');
  const persons = uniqueIds(allRows(source, 'Persons'), 'name', 'annotator');
  return {
    slides: new Map(slides.map(([uid, id, row]) => [uid, slideRecord(id, row)])),
    classes: new Map(classes.map(([uid, id, row]) => [uid, classRecord(id, row)])),
    annotators: new Map(persons.map(([uid, id, row]) => [uid, annotatorRecord(id, row)])),
  };
}

/** Ids from a name column; a name used by several rows becomes `name#uid` on each of them. */
function uniqueIds(rows: Row[], column: string, fallback: string): [number, string, Row][] {
  const name = (row: Row) => (row[column] == null ? '' : String(row[column]));
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(name(row), (counts.get(name(row)) ?? 0) + 1);
  return rows.map((row) => {
    const n = name(row);
    const repeated = n === '' || (counts.get(n) ?? 0) > 1;
    return [row.uid as number, repeated ? `${n || fallback}#${row.uid}` : n, row];
  });
}

function slideRecord(id: string, row: Row): Slide {
  const slide: Slide = {
    type: 'slide',
    id,
    name: row.filename == null ? id : String(row.filename),
    width: (row.width ?? null) as number | null,
    height: (row.height ?? null) as number | null,
    frame: { origin: 'full-frame', pixelConvention: 'unknown' },
    sourceIds: { [FORMAT_ID]: row.uid as number },
  };
  const extras: Row = {};
  if (row.directory != null) extras.directory = row.directory;
  // SlideRunner wrote Python's None as the text "None" when a slide had no uuid.
  if (row.uuid != null && row.uuid !== 'None') extras.uuid = row.uuid;
  if (row.exactImageID != null) extras.exactImageID = row.exactImageID;
  if (row.EXACTUSER != null && row.EXACTUSER !== 0) extras.EXACTUSER = row.EXACTUSER;
  if (Object.keys(extras).length) slide.extras = { [FORMAT_ID]: extras };
  return slide;
}

function classRecord(id: string, row: Row): AnnotationClass {
  const name = row.name == null ? id : String(row.name);
  const record: AnnotationClass = { type: 'class', id, name, path: [name] };
  const color = typeof row.color === 'string' ? parseHexColor(row.color) : undefined;
  if (color) record.color = color;
  else if (row.color != null) record.extras = { [FORMAT_ID]: { color: row.color } };
  if (row.clickable === 0) record.flags = { clickable: false };
  record.sourceIds = { [FORMAT_ID]: row.uid as number };
  return record;
}

function annotatorRecord(id: string, row: Row): Annotator {
  const name = row.name == null ? id : String(row.name);
  const record: Annotator = { type: 'annotator', id, name, kind: annotatorKind(name) };
  record.sourceIds = { [FORMAT_ID]: row.uid as number };
  if (row.isExactUser != null && row.isExactUser !== 0) {
    record.extras = { [FORMAT_ID]: { isExactUser: row.isExactUser } };
  }
  return record;
}
