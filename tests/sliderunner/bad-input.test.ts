import { copyFile, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { buildDb, FORMAT, realDb } from './support.js';

/** Convert into an empty folder; returns the CLI result and what the folder holds after. */
async function convertInto(input: string, ...extra: string[]) {
  const dir = await tempDir('slidepack-out-');
  const result = await runCli([
    'convert',
    input,
    '--to',
    FORMAT,
    '-o',
    join(dir, 'out.sqlite'),
    ...extra,
  ]);
  return { ...result, left: await readdir(dir) };
}

describe('SlideRunner bad input', () => {
  it('should refuse a file that is not SQLite, naming it, with exit 1', async () => {
    const path = join(await tempDir(), 'notes.sqlite');
    await writeFile(path, 'uid,filename\n1,a.svs\n');
    const detected = await convertInto(path);
    expect(detected.code).toBe(1);
    expect(detected.stderr).toContain(path);
    expect(detected.stderr).toContain('does not start with the SQLite header');
    const forced = await convertInto(path, '--from', FORMAT);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/not a readable SQLite database \(file is not a database/);
    expect(forced.stderr).not.toMatch(/\n\s+at /);
    expect(forced.left).toEqual([]);
  });

  it('should call a truncated database truncated and write nothing', async () => {
    const path = join(await tempDir(), 'MIDOG-cut.sqlite');
    const bytes = await readFile(realDb('midog_MIDOG.sqlite'));
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = await convertInto(path, '--from', FORMAT);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('looks truncated or corrupt');
    expect(result.stderr).toContain(path);
    expect(result.left).toEqual([]);
  });

  it('should name the table when a page breaks in the middle of reading, and write nothing', async () => {
    const path = join(await tempDir(), 'broken.sqlite');
    await copyFile(realDb('cmc_TUPAC_alternativeLabels_augmented_training.sqlite'), path);
    const handle = await open(path, 'r+');
    const size = (await handle.stat()).size;
    await handle.write(Buffer.alloc(40 * 4096, 0xff), 0, 40 * 4096, Math.floor(size / 8192) * 4096);
    await handle.close();
    const result = await convertInto(path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /\((Annotations|Annotations_coordinates|Annotations_label)\): cannot read/,
    );
    expect(result.left).toEqual([]);
  });

  it('should name the missing table of a SQLite file that is not a SlideRunner database', async () => {
    const path = join(await tempDir(), 'other.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE Slides (uid INTEGER PRIMARY KEY, filename TEXT)');
    db.exec('CREATE TABLE Annotations (uid INTEGER PRIMARY KEY, slide INTEGER, type INTEGER)');
    db.close();
    const detected = await convertInto(path);
    expect(detected.code).toBe(1);
    expect(detected.stderr).toContain('without the SlideRunner table Annotations_label');
    const forced = await convertInto(path, '--from', FORMAT);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('(table Annotations_label): not a SlideRunner database');
    expect(forced.left).toEqual([]);
  });

  const dangling = [
    {
      what: 'a label whose class is missing',
      tweak: 'UPDATE Annotations_label SET class = 9 WHERE uid = 4;',
      says: '(Annotations_label uid 4): error label refers to class 9',
    },
    {
      what: 'a label whose person is missing',
      tweak: 'UPDATE Annotations_label SET person = 7 WHERE uid = 5;',
      says: '(Annotations_label uid 5): error label refers to person 7',
    },
    {
      what: 'an agreed class that is not in Classes',
      tweak: 'UPDATE Annotations SET agreedClass = 5 WHERE uid = 15;',
      says: '(Annotations uid 15): error agreedClass 5 is not in Classes',
    },
  ];
  for (const { what, tweak, says } of dangling) {
    it(`should fail on ${what}, naming the table and row, and write nothing`, async () => {
      const result = await convertInto(await buildDb('features-2020.sql', tweak));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(says);
      expect(result.left).toEqual([]);
    });
  }

  it('should warn about an annotation without coordinates and convert the rest', async () => {
    const path = await buildDb(
      'features-2020.sql',
      'DELETE FROM Annotations_coordinates WHERE annoId = 10;',
    );
    const result = await convertInto(path);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      '(Annotations uid 10): warning annotation has no rows in Annotations_coordinates',
    );
    expect(result.stderr).toContain('5 objects read, 5 written');
    expect(result.left).toEqual(['out.sqlite']);
  });
});
