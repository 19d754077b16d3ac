import Database from 'better-sqlite3';
import {
  createStatements,
  randomColor,
  registerSlideRunnerFunctions,
  triggerStatements,
  USER_VERSION,
} from './schema.js';

type Value = number | string | null;

/**
 * A new SlideRunner database being filled inside one transaction, with one prepared statement
 * per table. Rows keep the uid they had in a SlideRunner source where that uid is still free,
 * so the Log table and EXACT links stay valid; otherwise SQLite assigns the next one.
 */
export class SlideRunnerTables {
  readonly db: Database.Database;
  private readonly annotation: Database.Statement;
  private readonly coordinate: Database.Statement;
  private readonly label: Database.Statement;
  private readonly slide: Database.Statement;
  private readonly cls: Database.Statement;
  private readonly person: Database.Statement;
  private readonly log: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    // The file is a temporary one, renamed into place only after COMMIT, so a crash leaves
    // nothing behind and the rollback journal would only cost time.
    this.db.pragma('journal_mode = MEMORY');
    this.db.pragma('synchronous = OFF');
    registerSlideRunnerFunctions(this.db);
    for (const sql of createStatements(Date.now() / 1000)) this.db.exec(sql);
    this.db.exec('BEGIN');
    this.annotation = this.db.prepare(
      'INSERT OR IGNORE INTO Annotations (uid, slide, guid, lastModified, deleted, type, ' +
        'agreedClass, description, clickable) VALUES (?, ?, coalesce(?, generate_uuid()), ' +
        'coalesce(?, pycurrent_time()), ?, ?, ?, ?, ?)',
    );
    this.coordinate = this.db.prepare(
      'INSERT INTO Annotations_coordinates (coordinateX, coordinateY, coordinateZ, slide, ' +
        'annoId, orderIdx) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.label = this.db.prepare(
      'INSERT OR IGNORE INTO Annotations_label (uid, person, class, exact_id, annoId) ' +
        'VALUES (?, ?, ?, ?, ?)',
    );
    this.slide = this.db.prepare(
      'INSERT OR IGNORE INTO Slides (uid, filename, width, height, directory, uuid, ' +
        'exactImageID, EXACTUSER) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.cls = this.db.prepare(
      'INSERT OR IGNORE INTO Classes (uid, name, color, clickable) ' +
        'VALUES (?, ?, coalesce(?, randcolor()), ?)',
    );
    this.person = this.db.prepare(
      'INSERT OR IGNORE INTO Persons (uid, name, isExactUser) VALUES (?, ?, ?)',
    );
    this.log = this.db.prepare(
      'INSERT OR IGNORE INTO Log (uid, dateTime, labelId) VALUES (?, ?, ?)',
    );
  }

  /** Annotations row: uid, slide, guid, lastModified, deleted, type, class, text, clickable. */
  addAnnotation(uid: number | null, values: Value[]): number {
    return insert(this.annotation, uid, values);
  }

  addCoordinate(x: Value, y: Value, z: number, slide: number, annoId: number, order: number) {
    this.coordinate.run(x, y, z, slide, annoId, order);
  }

  addLabel(uid: number | null, person: number, cls: number, exactId: Value, annoId: number) {
    return insert(this.label, uid, [person, cls, exactId, annoId]);
  }

  /** Slides row: filename, width, height, directory, uuid, exactImageID, EXACTUSER. */
  addSlide(uid: number | null, values: Value[]): number {
    return insert(this.slide, uid, values);
  }

  addClass(uid: number | null, name: string, color: string | null, clickable: number): number {
    return insert(this.cls, uid, [name, color, clickable]);
  }

  addPerson(uid: number | null, name: string, isExactUser: number): number {
    return insert(this.person, uid, [name, isExactUser]);
  }

  addLog(uid: number | null, dateTime: Value, labelId: Value): void {
    insert(this.log, uid, [dateTime, labelId]);
  }

  /**
   * Add SlideRunner's triggers and schema version, then commit. The triggers come last: made
   * first, they would stamp every annotation with the time of this write and lose the
   * `lastModified` the source had.
   */
  commit(): void {
    for (const sql of triggerStatements()) this.db.exec(sql);
    this.db.pragma(`user_version = ${USER_VERSION}`);
    this.db.exec('COMMIT');
    this.db.close();
  }

  /** Close without committing; the caller removes the file. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Insert with the preferred uid when it is a free positive integer, else a new one. */
function insert(statement: Database.Statement, uid: number | null, values: Value[]): number {
  if (uid !== null && Number.isInteger(uid) && uid > 0) {
    const result = statement.run(uid, ...values);
    if (result.changes > 0) return uid;
  }
  return Number(statement.run(null, ...values).lastInsertRowid);
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
