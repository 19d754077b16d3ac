import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert } from '../../src/convert.js';
import { compareSets } from '../../src/model/compare.js';
import type { RectangleGeometry } from '../../src/model/types.js';
import { real, tempDir } from '../helpers.js';
import { readCoco } from './read.js';

const FILES = [
  { name: 'midog_MIDOG.json', images: 200, objects: 4435, positive: 'mitotic figure' },
  { name: 'midog_MIDOG_AperioCS2.json', images: 50, objects: 1612, positive: 'Mitose' },
  { name: 'midog_MIDOG_HamamatsuXR.json', images: 50, objects: 1175, positive: 'Mitose' },
  { name: 'midogpp_MIDOG++.json', images: 553, objects: 26286, positive: 'mitotic figure' },
];

describe('the real MIDOG COCO files', () => {
  for (const file of FILES) {
    it(`should read ${file.name} with every box as 50 × 50 corners`, async () => {
      const { set, messages, loss } = await readCoco(real('coco', file.name));
      expect(messages.hasErrors).toBe(false);
      expect(set.slides.size).toBe(file.images);
      expect(set.objects).toHaveLength(file.objects);
      expect(set.classes.get(file.positive)?.sourceIds).toEqual({ coco: 1 });
      for (const object of set.objects) {
        const box = object.geometry as RectangleGeometry;
        expect([box.type, box.width, box.height]).toEqual(['rectangle', 50, 50]);
      }
      const note = loss.entriesList().find((e) => e.code === 'XYXY_BBOX_DETECTED');
      expect(note?.count).toBe(file.objects);
      expect(note?.params?.rule).toMatch(/x2 > x1/);
      const extras = set.dataset?.extras?.coco as Record<string, unknown>;
      expect(Object.keys(extras).sort()).toEqual(['info', 'licenses']);
    });
  }

  it('should place the first MIDOG box at its corners and keep the image size', async () => {
    const { set } = await readCoco(real('coco', 'midog_MIDOG.json'));
    const first = set.objects[0]!;
    // the file's first annotation: bbox [4336, 346, 4386, 396], category 2, image 1
    expect(first).toMatchObject({ id: '1', slide: '001.tiff', class: 'not mitotic figure' });
    expect(first.geometry).toEqual({ type: 'rectangle', x: 4336, y: 346, width: 50, height: 50 });
    expect(set.slides.get('001.tiff')).toMatchObject({ width: 7215, height: 5412 });
  });

  it('should keep the annotation ids of HamamatsuXR, which start at 55', async () => {
    const { set } = await readCoco(real('coco', 'midog_MIDOG_HamamatsuXR.json'));
    expect(set.objects[0]).toMatchObject({ id: '55', sourceIds: { coco: 55 } });
    expect([...set.classes.keys()]).toEqual(['Mitose', 'Hard negative']);
  });

  it('should keep MIDOG++ per-expert labels and each image tumour type', async () => {
    const { set } = await readCoco(real('coco', 'midogpp_MIDOG++.json'));
    expect([...set.annotators.keys()]).toEqual(['expert 1', 'expert 2', 'expert 3']);
    const three = set.objects.filter((o) => o.labels?.length === 3);
    expect(three).toHaveLength(8559);
    expect(set.objects.filter((o) => o.labels?.length === 2)).toHaveLength(17727);
    // a disagreement settled by the third expert: category 1 with labels [1, 2, 1]
    const settled = three.find(
      (o) => o.class === 'mitotic figure' && o.labels![1]!.class !== o.class,
    );
    expect(settled?.labels).toEqual([
      { annotator: 'expert 1', class: 'mitotic figure' },
      { annotator: 'expert 2', class: 'not mitotic figure' },
      { annotator: 'expert 3', class: 'mitotic figure' },
    ]);
    const slide = set.slides.get('001.tiff')!;
    expect(slide.metadata).toEqual({ tumor_type: 'human breast cancer' });
    expect(slide.extras?.coco).toEqual({ license: 1, tumor_type: 'human breast cancer' });
  });

  for (const file of FILES) {
    it(`should round-trip ${file.name} through COCO and back to the same canonical set`, async () => {
      const before = await readCoco(real('coco', file.name));
      const output = join(await tempDir(), 'out.json');
      await convert({ inputs: [real('coco', file.name)], to: 'coco', output });
      const after = await readCoco(output);
      expect(after.messages.hasErrors).toBe(false);
      // annotation ids are renumbered from 1 on write; everything else must survive
      const ignore = ['id', 'sourceIds'];
      expect(compareSets(before.set, after.set, { byOrder: true, ignore })).toEqual([]);
      expect(after.set.dataset?.extras).toEqual(before.set.dataset?.extras);
      expect(after.loss.entriesList().map((e) => e.code)).toEqual([]);
    });
  }
});
