import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fromSlideRunner } from '../../converters/sliderunner-sqlite/read.js';
import { convert, type ConvertResult } from '../../src/convert.js';
import { silentLogger } from '../../src/log.js';
import { Messages } from '../../src/messages.js';
import { type AnnotationSet, collect } from '../../src/model/collect.js';
import { local, real, tempDir } from '../helpers.js';

export const FORMAT = 'sliderunner-sqlite';
export const SR_DIR = real('sliderunner-sqlite');

/** Every real SlideRunner database in the shared fixtures. */
export const REAL_DATABASES = readdirSync(SR_DIR)
  .filter((name) => name.endsWith('.sqlite'))
  .sort();

export function realDb(name: string): string {
  return join(SR_DIR, name);
}

/** Read a database into memory with the converter, collecting messages. */
export async function readDb(path: string, messages = new Messages()): Promise<AnnotationSet> {
  const context = { messages, logger: silentLogger, options: {} };
  return collect(fromSlideRunner({ path }, context));
}

/** Convert through the public API, as `slidepack convert` does. */
export function convertTo(
  input: string,
  to: string,
  output: string,
  extra: { includeDeleted?: boolean } = {},
): Promise<ConvertResult> {
  return convert({ inputs: [input], to, output, ...extra });
}

/**
 * What slidepack adds when it writes an old database in the newest schema, as SlideRunner's
 * own migration would: a guid and lastModified on each annotation, a colour on each class,
 * and a closing vertex on each polygon. Each is removed from `after` only where `before` did
 * not have it, so everything the source did have is still compared.
 */
export function dropMigrationFills(before: AnnotationSet, after: AnnotationSet): void {
  for (const [id, cls] of after.classes) {
    if (cls.color && !before.classes.get(id)?.color) delete cls.color;
  }
  const earlier = new Map(before.objects.map((o) => [o.id, o]));
  for (const object of after.objects) {
    const old = earlier.get(object.id);
    if (!old) continue;
    if (object.modified !== undefined && old.modified === undefined) delete object.modified;
    if (object.extras?.[FORMAT] && !old.extras?.[FORMAT]) delete object.extras;
    if (object.geometry?.type === 'polygon' && old.geometry?.type === 'polygon') {
      if (object.geometry.closed && !old.geometry.closed) delete object.geometry.closed;
    }
  }
}

const TABLES = [
  'Slides',
  'Classes',
  'Persons',
  'Annotations',
  'Annotations_coordinates',
  'Annotations_label',
  'Log',
] as const;

/** Row counts of each SlideRunner table, read with better-sqlite3 read-only. */
export function rowCounts(path: string): Record<(typeof TABLES)[number], number> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    return Object.fromEntries(TABLES.map((t) => [t, count(t)])) as ReturnType<typeof rowCounts>;
  } finally {
    db.close();
  }
}

/** Build a database from one of the hand-made SQL fixtures, plus an optional SQL tweak. */
export async function buildDb(sqlFile: string, tweak = ''): Promise<string> {
  const path = join(await tempDir(), sqlFile.replace(/\.sql$/, '.sqlite'));
  const db = new Database(path);
  db.exec(readFileSync(local('sliderunner', sqlFile), 'utf8') + tweak);
  db.close();
  return path;
}
