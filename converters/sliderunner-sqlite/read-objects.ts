import type Database from 'better-sqlite3';
import type { ConvertContext } from '../../src/converter.js';
import { InputError } from '../../src/errors.js';
import type {
  AnnotationClass,
  AnnotationObject,
  Annotator,
  Label,
  RecordStream,
  Slide,
} from '../../src/model/types.js';
import { FORMAT_ID } from './conventions.js';
import type { Source } from './read.js';
import { buildGeometry, type CoordinateRow } from './read-geometry.js';
import { explainSqlite, openReadOnly } from './schema.js';

/** Slides, classes and persons by their SlideRunner uid. */
export interface Dictionaries {
  slides: Map<number, Slide>;
  classes: Map<number, AnnotationClass>;
  annotators: Map<number, Annotator>;
}

type Raw = unknown[];

/**
 * A sorted query on its own read-only connection, read one row at a time with look-ahead.
 * SQLite sorts on disk when it must, so a database of millions of rows streams in bounded
 * memory; three of these are merged by annotation uid.
 */
class Cursor {
  private readonly db: Database.Database;
  private readonly rows: IterableIterator<Raw>;
  private current: Raw | undefined;
  private done = false;

  constructor(
    private readonly path: string,
    private readonly table: string,
    sql: string,
  ) {
    this.db = openReadOnly(path);
    this.rows = this.guard(() => this.db.prepare(sql).raw().iterate() as IterableIterator<Raw>);
  }

  peek(): Raw | undefined {
    if (!this.current && !this.done) {
      const next = this.guard(() => this.rows.next());
      if (next.done) this.done = true;
      else this.current = next.value;
    }
    return this.current;
  }

  take(): Raw | undefined {
    const row = this.peek();
    this.current = undefined;
    return row;
  }

  close(): void {
    this.rows.return?.();
    this.db.close();
  }

  private guard<T>(step: () => T): T {
    try {
      return step();
    } catch (e) {
      throw new InputError(`cannot read the table: ${explainSqlite(e)}`, this.path, this.table);
    }
  }
}

/** Pick the columns a file has, in a fixed order, so raw rows can be read by position. */
// LIMITATION: columns outside the known SlideRunner schemas are not read into extras.
function pick(have: Set<string>, wanted: string[]): string[] {
  return wanted.map((name) => (have.has(name) ? `\`${name}\`` : 'NULL'));
}

const ANNOTATION_COLUMNS = [
  'uid',
  'slide',
  'type',
  'agreedClass',
  'guid',
  'lastModified',
  'deleted',
  'description',
  'clickable',
];

function openCursors(source: Source) {
  const { columns, path } = source;
  const annotations = `SELECT ${pick(columns.Annotations, ANNOTATION_COLUMNS)} FROM Annotations ORDER BY uid`;
  const coordColumns = ['annoId', 'coordinateX', 'coordinateY', 'coordinateZ', 'uid'];
  // orderIdx is 1-based; old files left it NULL, and then the row order (uid) is the order.
  const coordinates =
    `SELECT ${pick(columns.Annotations_coordinates, coordColumns)} ` +
    'FROM Annotations_coordinates ORDER BY annoId, orderIdx, uid';
  const labelColumns = ['annoId', 'uid', 'person', 'class', 'exact_id'];
  const labels = `SELECT ${pick(columns.Annotations_label, labelColumns)} FROM Annotations_label ORDER BY annoId, uid`;
  return {
    annotations: new Cursor(path, 'Annotations', annotations),
    coordinates: new Cursor(path, 'Annotations_coordinates', coordinates),
    labels: new Cursor(path, 'Annotations_label', labels),
  };
}

/**
 * Every annotation as one canonical object, in uid order: annotations, their coordinates and
 * their labels come from three sorted queries merged on the annotation uid, so no table is
 * ever held in memory whole.
 */
export async function* readObjects(
  source: Source,
  dictionaries: Dictionaries,
  context: ConvertContext,
): RecordStream {
  const cursors = openCursors(source);
  const problems = new Problems(source.path, context);
  try {
    for (let row = cursors.annotations.take(); row; row = cursors.annotations.take()) {
      const uid = row[0] as number;
      const coords = rowsFor(cursors.coordinates, uid, problems, 'Annotations_coordinates');
      const labels = rowsFor(cursors.labels, uid, problems, 'Annotations_label');
      const object = buildObject(row, coords as CoordinateRow[], labels, dictionaries, problems);
      if (object) yield object;
    }
    rowsFor(cursors.coordinates, Number.POSITIVE_INFINITY, problems, 'Annotations_coordinates');
    rowsFor(cursors.labels, Number.POSITIVE_INFINITY, problems, 'Annotations_label');
  } finally {
    for (const cursor of Object.values(cursors)) cursor.close();
  }
}

/** The rows of one annotation; rows of annotations that do not exist are reported and skipped. */
function rowsFor(cursor: Cursor, uid: number, problems: Problems, table: string): Raw[] {
  const out: Raw[] = [];
  for (let row = cursor.peek(); row; row = cursor.peek()) {
    const annoId = row[0] as number | null;
    if (annoId !== null && annoId > uid) break;
    cursor.take();
    if (annoId === uid) out.push(row);
    else problems.orphan(table, row[table === 'Annotations_label' ? 1 : 4], annoId);
  }
  return out;
}

/** Messages about one file, each naming the table and row uid. */
export class Problems {
  constructor(
    readonly file: string,
    private readonly context: ConvertContext,
  ) {}

  error(rule: string, text: string, table: string, uid: unknown, expected?: string): void {
    const where = { file: this.file, place: `${table} uid ${uid}` };
    this.context.messages.error(
      `sliderunner/${rule}`,
      text,
      expected ? { ...where, expected } : where,
    );
  }

  warn(rule: string, text: string, table: string, uid: unknown): void {
    this.context.messages.warn(`sliderunner/${rule}`, text, {
      file: this.file,
      place: `${table} uid ${uid}`,
    });
  }

  orphan(table: string, uid: unknown, annoId: unknown): void {
    this.warn(
      'orphan-row',
      `a row for annotation ${annoId}, which is not in Annotations; skipped`,
      table,
      uid,
    );
  }
}

function buildObject(
  row: Raw,
  coords: CoordinateRow[],
  labelRows: Raw[],
  dictionaries: Dictionaries,
  problems: Problems,
): AnnotationObject | undefined {
  const [uid, slideUid, type, agreedClass, guid, lastModified, deleted, description, clickable] =
    row;
  const slide = dictionaries.slides.get(slideUid as number);
  if (!slide) {
    problems.error(
      'missing-slide',
      `refers to slide ${slideUid}, which is not in Slides`,
      'Annotations',
      uid,
    );
    return undefined;
  }
  const shape = buildGeometry(uid as number, type as number, coords, problems);
  if (!shape) return undefined;

  const object: AnnotationObject = {
    type: 'object',
    id: String(uid),
    slide: slide.id,
    kind: shape.kind,
    geometry: shape.geometry,
  };
  if (shape.z) object.plane = { z: shape.z };
  const agreed = agreedClassId(uid, agreedClass, dictionaries, problems);
  if (agreed) object.class = agreed;
  const labels = readLabels(labelRows, dictionaries, problems);
  if (labels.length) object.labels = labels;
  if (description != null) object.description = String(description);
  if (typeof lastModified === 'number') object.modified = lastModified;
  if (deleted || clickable === 0) object.flags = flags(deleted, clickable);
  object.sourceIds = { [FORMAT_ID]: uid as number };
  if (guid != null) object.extras = { [FORMAT_ID]: { guid } };
  return object;
}

function flags(deleted: unknown, clickable: unknown): AnnotationObject['flags'] {
  const out: NonNullable<AnnotationObject['flags']> = {};
  if (deleted) out.deleted = true;
  if (clickable === 0) out.clickable = false;
  return out;
}

/** agreedClass as written, never recomputed from the labels; 0 (or NULL) means none. */
function agreedClassId(uid: unknown, classUid: unknown, d: Dictionaries, problems: Problems) {
  if (classUid == null || classUid === 0) return undefined;
  const found = d.classes.get(classUid as number);
  if (!found) {
    const text = `agreedClass ${classUid} is not in Classes`;
    problems.error('missing-class', text, 'Annotations', uid, 'a Classes uid or 0');
  }
  return found?.id;
}

/** Every label row, duplicates and all, in uid order. */
function readLabels(rows: Raw[], d: Dictionaries, problems: Problems): Label[] {
  const labels: Label[] = [];
  for (const [, uid, person, classUid, exactId] of rows) {
    const annotator = d.annotators.get(person as number);
    const cls = classUid == null || classUid === 0 ? null : d.classes.get(classUid as number);
    if (!annotator) {
      const text = `label refers to person ${person}, which is not in Persons`;
      problems.error('missing-person', text, 'Annotations_label', uid, 'a Persons uid');
    }
    if (cls === undefined) {
      const text = `label refers to class ${classUid}, which is not in Classes`;
      problems.error('missing-class', text, 'Annotations_label', uid, 'a Classes uid');
    }
    if (!annotator || cls === undefined) continue;
    const label: Label = {
      annotator: annotator.id,
      class: cls?.id ?? null,
      sourceId: uid as number,
    };
    if (exactId != null) label.exactId = exactId as number;
    labels.push(label);
  }
  return labels;
}
