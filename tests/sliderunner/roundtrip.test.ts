import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../src/io/hash.js';
import { compareSets } from '../../src/model/compare.js';
import { tempDir } from '../helpers.js';
import {
  convertTo,
  dropMigrationFills,
  FORMAT,
  REAL_DATABASES,
  readDb,
  realDb,
  rowCounts,
} from './support.js';

/** Label rows, label uids and deleted flags, which compareSets checks but tests name too. */
function labelSummary(set: Awaited<ReturnType<typeof readDb>>) {
  let labels = 0;
  let deleted = 0;
  for (const o of set.objects) {
    labels += o.labels?.length ?? 0;
    if (o.flags?.deleted) deleted++;
  }
  return { labels, deleted };
}

describe('SlideRunner round trip on every real database', () => {
  it('should find the twelve real databases', () => {
    expect(REAL_DATABASES).toHaveLength(12);
  });

  for (const name of REAL_DATABASES) {
    it(`should read ${name} and give the same canonical model after writing it back`, async () => {
      const path = realDb(name);
      const hashBefore = await sha256File(path);
      const before = await readDb(path);
      const out = join(await tempDir(), name);
      const result = await convertTo(path, FORMAT, out);
      const after = await readDb(out);

      expect(await sha256File(path)).toBe(hashBefore);
      expect(result.loss.lossy).toBe(false);
      expect(after.objects.length).toBe(before.objects.length);
      expect(labelSummary(after)).toEqual(labelSummary(before));
      expect(rowCounts(out).Annotations_label).toBe(
        rowCounts(path).Annotations_label - orphans(name),
      );
      dropMigrationFills(before, after);
      expect(compareSets(before, after)).toEqual([]);
      expect(after.dataset?.extras).toEqual(before.dataset?.extras);
    });
  }
});

/** cmc_TUPAC_stitched.sqlite has one label row for an annotation that does not exist. */
function orphans(name: string): number {
  return name === 'cmc_TUPAC_stitched.sqlite' ? 1 : 0;
}

describe('SlideRunner input safety', () => {
  it('should leave every real database byte-for-byte unchanged after reading it', async () => {
    for (const name of REAL_DATABASES) {
      const path = realDb(name);
      const before = await sha256File(path);
      await readDb(path);
      expect(await sha256File(path), name).toBe(before);
    }
  });
});
