import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnnotationSet } from '../../src/model/collect.js';
import { compareSets } from '../../src/model/compare.js';
import { tempDir } from '../helpers.js';
import { buildDb, convertTo, FORMAT, readDb, realDb } from './support.js';

function python(script: string, ...args: string[]) {
  const result = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** SlideRunner's way: register the trigger functions, then insert a spot with one label. */
const PY_INSERT = `
import json, random, sqlite3, sys, time, uuid
db = sqlite3.connect(sys.argv[1])
if sys.argv[2] == 'register':
    db.create_function('generate_uuid', 0, lambda: str(uuid.uuid4()))
    db.create_function('pycurrent_time', 0, time.time)
    db.create_function('randcolor', 0, lambda: '#%02x%02x%02x' % tuple(random.randrange(30, 255) for _ in range(3)))
try:
    cur = db.cursor()
    cur.execute('INSERT INTO Classes (name) VALUES ("Added")')
    cls = cur.lastrowid
    cur.execute('INSERT INTO Annotations (slide, agreedClass, type, description) VALUES (1, ?, 1, "")', (cls,))
    anno = cur.lastrowid
    cur.execute('INSERT INTO Annotations_coordinates (coordinateX, coordinateY, coordinateZ, slide, annoId, orderIdx) VALUES (5, 6, 0, 1, ?, 1)', (anno,))
    cur.execute('INSERT INTO Annotations_label (person, class, annoId) VALUES (1, ?, ?)', (cls, anno))
    db.commit()
except sqlite3.OperationalError as e:
    print(json.dumps({'error': str(e)})); sys.exit(0)
row = db.execute('SELECT guid, lastModified FROM Annotations WHERE uid = ?', (anno,)).fetchone()
color = db.execute('SELECT color FROM Classes WHERE uid = ?', (cls,)).fetchone()[0]
print(json.dumps({'guid': row[0], 'lastModified': row[1], 'color': color, 'uid': anno}))
`;

const PY_COUNTS = `
import json, sqlite3, sys
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
tables = ['Slides', 'Classes', 'Persons', 'Annotations', 'Annotations_coordinates', 'Annotations_label', 'Log']
out = {t: db.execute('SELECT count(*) FROM ' + t).fetchone()[0] for t in tables}
out['user_version'] = db.execute('PRAGMA user_version').fetchone()[0]
out['triggers'] = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
out['integrity'] = db.execute('PRAGMA integrity_check').fetchone()[0]
print(json.dumps(out))
`;

describe('SlideRunner writer: what SlideRunner and Python see', () => {
  let written: string;

  beforeAll(async () => {
    written = join(await tempDir(), 'MIDOG.sqlite');
    await convertTo(realDb('midog_MIDOG.sqlite'), FORMAT, written);
  });

  it('should open in Python sqlite3 with the expected row counts, version and triggers', () => {
    const counts = python(PY_COUNTS, written);
    expect(counts).toMatchObject({
      Slides: 200,
      Classes: 2,
      Persons: 4,
      Annotations: 4435,
      Annotations_coordinates: 4435,
      Annotations_label: 11094,
      Log: 0,
      user_version: 3,
      integrity: 'ok',
    });
    expect(counts.triggers).toEqual([
      'setRandomcolor',
      'updateAnnotation_INSERT',
      'updateAnnotation_UPDATE',
      'updateAnnotation_fromCoordsINSERT',
      'updateAnnotation_fromCoordsUPDATE',
      'updateAnnotation_fromLabelINSERT',
      'updateAnnotation_fromLabelUPDATE',
      'updateAnnotation_ins',
    ]);
  });

  it('should accept an annotation inserted by Python after it registers the three functions', async () => {
    const copy = join(await tempDir(), 'copy.sqlite');
    await convertTo(realDb('midog_MIDOG.sqlite'), FORMAT, copy);
    const started = Date.now() / 1000;
    const inserted = python(PY_INSERT, copy, 'register');
    expect(inserted.guid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(inserted.lastModified).toBeGreaterThanOrEqual(Math.floor(started));
    expect(inserted.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(inserted.uid).toBe(4436);
    const set = await readDb(copy);
    const added = set.objects.find((o) => o.id === String(inserted.uid));
    expect(added?.labels).toEqual([{ annotator: 'expert 1', class: 'Added', sourceId: 11095 }]);
  });

  it('should have triggers that really call the functions (an insert without them fails)', async () => {
    const copy = join(await tempDir(), 'plain.sqlite');
    await convertTo(realDb('sliderunner_doc_demo.sqlite'), FORMAT, copy);
    expect(python(PY_INSERT, copy, 'plain').error).toMatch(
      /no such function: (randcolor|pycurrent_time)/,
    );
  });
});

describe('SlideRunner writer: a hand-made 2020 database', () => {
  let source: string;
  let before: AnnotationSet;

  beforeAll(async () => {
    source = await buildDb('features-2020.sql');
    before = await readDb(source);
  });

  it('should read each column by name whatever its position', () => {
    const byId = new Map(before.objects.map((o) => [o.id, o]));
    expect(byId.get('10')).toMatchObject({
      geometry: { type: 'point', coordinates: [1200.5, 340] },
      class: 'Mitose',
      description: 'kept',
      modified: 1600000000.25,
      labels: [
        { annotator: 'Christof', class: 'Mitose', sourceId: 1, exactId: 501 },
        { annotator: 'YOLOv5 detector', class: 'Hard negative', sourceId: 2 },
        { annotator: 'YOLOv5 detector', class: 'Hard negative', sourceId: 3 },
      ],
    });
    expect(byId.get('11')?.flags).toEqual({ deleted: true, clickable: false });
    expect(byId.get('12')).toMatchObject({ kind: 'specialSpot', geometry: { type: 'point' } });
    expect(byId.get('12')?.class).toBeUndefined();
    expect(byId.get('14')).toMatchObject({ kind: 'imageLabel', geometry: null, plane: { z: 2 } });
    expect(byId.get('15')?.geometry).toEqual({
      type: 'polygon',
      rings: [
        [
          [10, 10],
          [50, 50],
          [50, 10],
        ],
      ],
      closed: true,
    });
    expect(before.annotators.get('YOLOv5 detector')?.kind).toBe('model');
    expect(before.dataset?.extras?.[FORMAT]).toEqual({
      log: [
        { uid: 1, dateTime: 1599999990, labelId: 1 },
        { uid: 2, dateTime: 1599999991, labelId: 2 },
      ],
    });
  });

  it('should keep slide file names, mixed directories, NULL sizes and EXACT ids', () => {
    expect(before.slides.get('case 1.svs')).toMatchObject({
      width: 80000,
      extras: { [FORMAT]: { directory: 'C:\\Users\\lab\\slides', exactImageID: '17' } },
    });
    expect(before.slides.get('case 1.svs')?.extras?.[FORMAT]).not.toHaveProperty('uuid');
    expect(before.slides.get('case 2.mrxs')).toMatchObject({
      width: null,
      height: null,
      extras: { [FORMAT]: { directory: '/Volumes/slides', EXACTUSER: 1 } },
    });
  });

  it('should store a circle as SlideRunner does and report the truncation', async () => {
    const out = join(await tempDir(), 'features.sqlite');
    const result = await convertTo(source, FORMAT, out);
    expect(result.loss.entriesList().map((e) => [e.code, e.examples])).toEqual([
      ['CIRCLE_RADIUS_TRUNCATED', ['13']],
    ]);
    const db = new Database(out, { readonly: true });
    const corners = db
      .prepare('SELECT coordinateX, coordinateY FROM Annotations_coordinates WHERE annoId = 13')
      .raw()
      .all();
    db.close();
    expect(corners).toEqual([
      [100, 200],
      [106, 206],
    ]);
    const after = await readDb(out);
    const byId = new Map(after.objects.map((o) => [o.id, o]));
    expect(byId.get('13')?.geometry).toEqual({
      type: 'ellipse',
      cx: 103,
      cy: 203,
      rx: 3,
      ry: 3,
      encoding: 'bounding-square',
    });
    const others = (set: AnnotationSet) => ({
      ...set,
      objects: set.objects.filter((o) => o.id !== '13'),
    });
    expect(compareSets(others(before), others(after))).toEqual([]);
    expect(after.dataset?.extras).toEqual(before.dataset?.extras);
  });
});
