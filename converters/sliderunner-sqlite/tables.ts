import Database from 'better-sqlite3';
import { BatchedInsert, type InsertSpec, insertSql, UidCounter, type Value } from './batch.js';
import { writeTime } from '../../src/util/uuid.js';
import {
  createStatements,
  randomColor,
  registerSlideRunnerFunctions,
  triggerStatements,
  USER_VERSION,
} from './schema.js';

/**
 * The file is a temporary one, renamed into place only after COMMIT, so a crash leaves nothing
 * behind and a rollback journal on disk would only cost time.
 */
export const WRITE_PRAGMAS = ['PRAGMA journal_mode = MEMORY', 'PRAGMA synchronous = OFF'];

const plain = (n: number) => Array.from({ length: n }, () => '?');

/**
 * One INSERT per table. The uid comes first (NULL for a new one); missing guids, times and
 * colours come from the same functions SlideRunner's triggers call.
 */
export const TABLES = {
  annotation: {
    table: 'Annotations',
    columns: [
      'uid',
      'slide',
      'guid',
      'lastModified',
      'deleted',
      'type',
      'agreedClass',
      'description',
      'clickable',
    ],
    values: [
      '?',
      '?',
      'coalesce(?, generate_uuid())',
      'coalesce(?, pycurrent_time())',
      ...plain(5),
    ],
  },
  coordinate: {
    table: 'Annotations_coordinates',
    columns: ['coordinateX', 'coordinateY', 'coordinateZ', 'slide', 'annoId', 'orderIdx'],
    values: plain(6),
  },
  label: {
    table: 'Annotations_label',
    columns: ['uid', 'person', 'class', 'exact_id', 'annoId'],
    values: plain(5),
  },
  slide: {
    table: 'Slides',
    columns: [
      'uid',
      'filename',
      'width',
      'height',
      'directory',
      'uuid',
      'exactImageID',
      'EXACTUSER',
    ],
    values: plain(8),
  },
  class: {
    table: 'Classes',
    columns: ['uid', 'name', 'color', 'clickable'],
    values: ['?', '?', 'coalesce(?, randcolor())', '?'],
  },
  person: { table: 'Persons', columns: ['uid', 'name', 'isExactUser'], values: plain(3) },
  log: { table: 'Log', columns: ['uid', 'dateTime', 'labelId'], values: plain(3) },
} satisfies Record<string, InsertSpec>;

/** The single-row form of each INSERT (what a Python client would executemany). */
export const INSERT = Object.fromEntries(
  Object.entries(TABLES).map(([name, spec]) => [name, insertSql(spec)]),
) as Record<keyof typeof TABLES, string>;

/**
 * A new SlideRunner database being filled inside one transaction. Rows keep the uid they had
 * in a SlideRunner source where that uid is still free, so the Log table and EXACT links stay
 * valid; otherwise they get the next one, as AUTOINCREMENT would give.
 */
export class SlideRunnerTables {
  readonly db: Database.Database;
  private readonly batches: Record<'annotation' | 'coordinate' | 'label', BatchedInsert>;
  private readonly single: Record<keyof typeof TABLES, Database.Statement>;
  private readonly annotationUids = new UidCounter();
  private readonly labelUids = new UidCounter();
  /** Stamped where the data has no time, so the same data gives the same file. */
  readonly writeTime = writeTime();

  constructor(path: string) {
    this.db = new Database(path);
    for (const pragma of WRITE_PRAGMAS) this.db.exec(pragma);
    registerSlideRunnerFunctions(this.db);
    for (const sql of createStatements(this.writeTime)) this.db.exec(sql);
    this.db.exec('BEGIN');
    this.single = Object.fromEntries(
      Object.entries(INSERT).map(([name, sql]) => [name, this.db.prepare(sql)]),
    ) as SlideRunnerTables['single'];
    this.batches = {
      annotation: new BatchedInsert(this.db, TABLES.annotation),
      coordinate: new BatchedInsert(this.db, TABLES.coordinate),
      label: new BatchedInsert(this.db, TABLES.label),
    };
  }

  /** Annotations row after the uid: slide, guid, lastModified, deleted, type, class, text, clickable. */
  addAnnotation(preferred: number | null, values: Value[]): number {
    return this.batched('annotation', this.annotationUids, preferred, values);
  }

  addCoordinate(x: Value, y: Value, z: number, slide: number, annoId: number, order: number) {
    this.batches.coordinate.add(x, y, z, slide, annoId, order);
  }

  addLabel(preferred: number | null, person: number, cls: number, exactId: Value, annoId: number) {
    return this.batched('label', this.labelUids, preferred, [person, cls, exactId, annoId]);
  }

  /** Slides row after the uid: filename, width, height, directory, uuid, exactImageID, EXACTUSER. */
  addSlide(preferred: number | null, values: Value[]): number {
    return this.now(this.single.slide, preferred, values);
  }

  addClass(preferred: number | null, name: string, color: string | null, clickable: number) {
    return this.now(this.single.class, preferred, [name, color, clickable]);
  }

  addPerson(preferred: number | null, name: string, isExactUser: number): number {
    return this.now(this.single.person, preferred, [name, isExactUser]);
  }

  addLog(preferred: number | null, dateTime: Value, labelId: Value): void {
    this.now(this.single.log, preferred, [dateTime, labelId]);
  }

  /**
   * Add SlideRunner's triggers and schema version, then commit. The triggers come last: made
   * first, they would stamp every annotation with the time of this write and lose the
   * `lastModified` the source had.
   */
  commit(): void {
    for (const batch of Object.values(this.batches)) batch.flush();
    for (const sql of triggerStatements()) this.db.exec(sql);
    this.db.pragma(`user_version = ${USER_VERSION}`);
    this.db.exec('COMMIT');
    this.db.close();
  }

  /** Close without committing; the caller removes the file. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  /** A batched row whose uid is known now; a preferred uid below the largest is checked first. */
  private batched(
    name: 'annotation' | 'label',
    uids: UidCounter,
    preferred: number | null,
    values: Value[],
  ): number {
    let uid = uids.next(preferred);
    if (uid === undefined) {
      this.batches[name].flush();
      if (this.single[name].run(preferred, ...values).changes > 0) return preferred!;
      uid = uids.next(null)!;
    }
    this.batches[name].add(uid, ...values);
    return uid;
  }

  /** A row inserted at once, with the preferred uid when it is free, else a new one. */
  private now(statement: Database.Statement, preferred: number | null, values: Value[]): number {
    if (preferred !== null && Number.isInteger(preferred) && preferred > 0) {
      if (statement.run(preferred, ...values).changes > 0) return preferred;
    }
    return Number(statement.run(null, ...values).lastInsertRowid);
  }
}

/** A colour for a class that has none, so SlideRunner (which needs one) can draw it. */
export function fallbackColor(position: number): string {
  return OLD_DEFAULT_COLORS[position - 1] ?? randomColor();
}

/**
 * The colours SlideRunner drew classes in, by position, before classes had their own colour
 * (`ViewingProfile.COLORS_CLASSES`); old databases shown today look as they did then.
 */
const OLD_DEFAULT_COLORS = [
  '#0000ff',
  '#00ff00',
  '#ffff00',
  '#ff00ff',
  '#007f00',
  '#ff7f00',
  '#7f7f00',
  '#ffc8c8',
  '#0aa6a8',
  '#a60aa8',
  '#a6a80a',
];
