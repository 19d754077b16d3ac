import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert } from '../../src/convert.js';
import { compareSets } from '../../src/model/compare.js';
import { local, real, tempDir } from '../helpers.js';
import { readCoco } from './read.js';

const MIDOG_FILES = [
  'midog_MIDOG.json',
  'midog_MIDOG_AperioCS2.json',
  'midog_MIDOG_HamamatsuXR.json',
  'midogpp_MIDOG++.json',
];

describe('the corner-box rule', () => {
  for (const name of MIDOG_FILES) {
    it(`should recognise ${name} as [x1, y1, x2, y2] and say why`, async () => {
      const { messages, loss } = await readCoco(real('coco', name));
      const note = loss.entriesList().find((e) => e.code === 'XYXY_BBOX_DETECTED')!;
      const params = note.params as Record<string, number>;
      expect(params.cornerOrderedBoxes).toBe(params.boxes);
      expect(params.imagesPastEdgeAsXywh).toBeGreaterThan(params.imagesPastEdgeAsXyxy!);
      expect(messages.list.find((m) => m.ruleId === 'coco/xyxy-bbox')?.message).toMatch(
        /read as \[x1, y1, x2, y2\] corners.*--bbox-format/,
      );
    });
  }

  it('should keep a genuine [x, y, w, h] file whose boxes all have w > x and h > y', async () => {
    // every box of instances.json could be corners, but as [x, y, w, h] all lie inside their
    // images, so the rule must not fire
    const { set, loss } = await readCoco(local('coco', 'instances.json'));
    expect(loss.entriesList().map((e) => e.code)).toEqual([]);
    expect(set.objects[0]!.geometry).toEqual({
      type: 'rectangle',
      x: 10,
      y: 20,
      width: 100,
      height: 50,
    });
  });

  it('should read MIDOG boxes as [x, y, w, h] when forced, and the other way round', async () => {
    const forced = await readCoco(real('coco', 'midog_MIDOG.json'), { 'bbox-format': 'xywh' });
    expect(forced.set.objects[0]!.geometry).toMatchObject({ width: 4386, height: 396 });
    expect(forced.loss.empty).toBe(true);
    const corners = await readCoco(local('coco', 'instances.json'), { 'bbox-format': 'xyxy' });
    expect(corners.set.objects[0]!.geometry).toMatchObject({ x: 10, width: 90, height: 30 });
    expect(corners.loss.entriesList()[0]?.params).toEqual({ bboxFormat: 'xyxy' });
  });

  it('should read the boxes of a point data set as their centres on request', async () => {
    const options = { 'boxes-as-points': true };
    const { set, loss } = await readCoco(real('coco', 'midog_MIDOG.json'), options);
    // bbox [4336, 346, 4386, 396] → centre (4361, 371), the SlideRunner spot
    expect(set.objects[0]!.geometry).toEqual({ type: 'point', coordinates: [4361, 371] });
    expect(loss.entriesList().find((e) => e.code === 'BOX_TO_POINT')?.count).toBe(4435);
  });
});

describe('COCO instance segmentation', () => {
  it('should read polygons, parts, both RLE forms, iscrowd, score and extra members', async () => {
    const { set, messages } = await readCoco(local('coco', 'instances.json'));
    expect(messages.hasErrors).toBe(false);
    const [, square, parts, crowd, compressed] = set.objects;
    expect(square!.geometry).toEqual({
      type: 'polygon',
      rings: [
        [
          [5, 5],
          [35, 5],
          [35, 45],
          [5, 45],
        ],
      ],
    });
    expect(square!.score).toBe(0.9);
    expect(parts!.geometry?.type).toBe('multipolygon');
    expect(parts!.extras).toEqual({ coco: { attributes: { occluded: false } } });
    // 6 × 4 ring  0 1 1 1 0 0 / 0 1 0 1 0 0 / 0 1 1 1 0 0 / 0 0 0 0 0 0, column-major
    const counts = [4, 3, 1, 1, 1, 1, 1, 3, 9];
    expect(crowd!.geometry).toMatchObject({ type: 'mask', width: 6, height: 4, counts });
    expect(crowd!.flags).toEqual({ crowd: true });
    expect(compressed!.geometry).toMatchObject({ type: 'mask', counts });
    expect(compressed!.flags).toBeUndefined();
    expect(set.slides.get('a.tiff')?.metadata).toEqual({ coco_url: 'http://127.0.0.1/a' });
    expect(set.classes.get('tumor')).toMatchObject({ supercategory: 'tissue', path: ['tumor'] });
  });

  it('should write polygons, parts and masks back so that they read the same', async () => {
    const before = await readCoco(local('coco', 'instances.json'));
    const output = join(await tempDir(), 'out.json');
    const result = await convert({ inputs: [local('coco', 'instances.json')], to: 'coco', output });
    expect(result.loss.lossy).toBe(false);
    const after = await readCoco(output);
    expect(compareSets(before.set, after.set, { ignore: ['sourceIds'] })).toEqual([]);
  });
});
