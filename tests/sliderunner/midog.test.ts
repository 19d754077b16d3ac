import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnnotationSet } from '../../src/model/collect.js';
import type { AnnotationObject } from '../../src/model/types.js';
import { tempDir } from '../helpers.js';
import { convertTo, FORMAT, readDb, realDb } from './support.js';

const MIDOG = realDb('midog_MIDOG.sqlite');

/** Objects whose label rows name more than one class. */
function disagreeing(set: AnnotationSet): AnnotationObject[] {
  return set.objects.filter((o) => new Set(o.labels?.map((l) => l.class)).size > 1);
}

/** Each object's labels as `annotator=class#uid`, in stored order. */
function votes(set: AnnotationSet): Map<string, string[]> {
  return new Map(
    set.objects.map((o) => [
      o.id,
      (o.labels ?? []).map((l) => `${l.annotator}=${l.class}#${l.sourceId}`),
    ]),
  );
}

describe('MIDOG 2021 per-annotator labels', () => {
  let before: AnnotationSet;
  let after: AnnotationSet;
  let written: string;

  beforeAll(async () => {
    before = await readDb(MIDOG);
    written = join(await tempDir(), 'MIDOG.sqlite');
    await convertTo(MIDOG, FORMAT, written);
    after = await readDb(written);
  });

  it('should read 4435 objects with 11,094 label rows from four persons', () => {
    expect(before.objects).toHaveLength(4435);
    expect(before.objects.reduce((n, o) => n + (o.labels?.length ?? 0), 0)).toBe(11094);
    expect([...before.annotators.keys()].sort()).toEqual([
      'RetinaNet',
      'expert 1',
      'expert 2',
      'expert 3',
    ]);
  });

  it('should mark RetinaNet, and only RetinaNet, as a model annotator', () => {
    const models = [...before.annotators.values()].filter((a) => a.kind === 'model');
    expect(models.map((a) => a.name)).toEqual(['RetinaNet']);
    expect(after.annotators.get('RetinaNet')?.kind).toBe('model');
    expect(after.annotators.get('expert 2')?.kind).toBe('person');
  });

  it('should keep the agreed class of the 1090 objects whose labels disagree', () => {
    const mixed = disagreeing(before);
    expect(mixed).toHaveLength(1090);
    const db = new Database(MIDOG, { readonly: true });
    const agreed = db.prepare('SELECT agreedClass FROM Annotations WHERE uid = ?').pluck();
    const names = ['', 'mitotic figure', 'not mitotic figure'];
    for (const object of mixed) {
      expect(object.class).toBe(names[agreed.get(Number(object.id)) as number]);
    }
    db.close();
    const afterById = new Map(after.objects.map((o) => [o.id, o]));
    for (const object of mixed) expect(afterById.get(object.id)?.class).toBe(object.class);
    expect(disagreeing(after)).toHaveLength(1090);
  });

  it('should keep every label row, its person, class and uid through a round trip', () => {
    expect(votes(after)).toEqual(votes(before));
    const db = new Database(written, { readonly: true });
    const rows = db.prepare('SELECT count(*) FROM Annotations_label').pluck().get();
    const persons = db.prepare('SELECT name FROM Persons ORDER BY uid').pluck().all();
    db.close();
    expect(rows).toBe(11094);
    expect(persons).toEqual(['expert 1', 'RetinaNet', 'expert 2', 'expert 3']);
  });

  it('should keep spots at their centre and REAL coordinates as REAL', () => {
    const first = after.objects.find((o) => o.id === '1');
    expect(first?.geometry).toEqual({ type: 'point', coordinates: [4361, 371] });
    const db = new Database(written, { readonly: true });
    const real = db
      .prepare(
        "SELECT count(*) FROM Annotations_coordinates WHERE typeof(coordinateX) = 'real' " +
          "OR typeof(coordinateY) = 'real'",
      )
      .pluck()
      .get();
    db.close();
    expect(real).toBe(676);
  });
});
