import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { local, runCli, tempDir } from '../helpers.js';
import { pythonLoad } from './read.js';

const BAD = [
  {
    file: 'bad-not-coco.json',
    place: '/',
    says: /not a COCO file: no "images", "annotations", "categories"/,
  },
  { file: 'bad-results-list.json', place: '/', says: /root is a JSON array.*results file/ },
  {
    file: 'bad-no-categories.json',
    place: '/',
    says: /\(\/\): not a COCO file: no "categories" member/,
  },
  {
    file: 'bad-missing-refs.json',
    place: '/annotations/1/image_id',
    says: /\(\/annotations\/1\/image_id\).*image_id 9 is not/,
  },
  {
    file: 'bad-missing-refs.json',
    place: '/annotations/2/category_id',
    says: /\(\/annotations\/2\/category_id\).*category_id 7/,
  },
  {
    file: 'bad-negative-size.json',
    place: '/images/0/width',
    says: /\(\/images\/0\/width\).*negative width/,
  },
  {
    file: 'bad-negative-box.json',
    place: '/annotations/1/bbox',
    says: /\(\/annotations\/1\/bbox\).*negative width/,
  },
  {
    file: 'bad-four-number-polygon.json',
    place: '/annotations/1/segmentation/0',
    says: /\/segmentation\/0\).*4 numbers is ambiguous/,
  },
  {
    file: 'bad-rle-sum.json',
    place: '/annotations/1/segmentation/counts',
    says: /\/segmentation\/counts\).*summing to 8\b.*= 8000/,
  },
  {
    file: 'bad-vote.json',
    place: '/annotations/0/label_votes/1/category_id',
    says: /\(\/annotations\/0\/label_votes\/1\/category_id\).*label 9 is not a category id/,
  },
  {
    file: 'bad-duplicate-ids.json',
    place: '/annotations/2',
    says: /\(\/annotations\/2\).*id 1: used at \/annotations\/0 and again at \/annotations\/2/,
  },
];

describe('COCO bad input on the command line', () => {
  for (const { file, place, says } of BAD) {
    it(`should refuse ${file} naming ${place}, exit 1 and write nothing`, async () => {
      const dir = await tempDir();
      const output = join(dir, 'out.json');
      const args = ['convert', local('coco', file), '--from', 'coco', '--to', 'coco', '-o', output];
      const result = await runCli(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(says);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await readdir(dir)).toEqual([]);
    });
  }
});

describe('COCO written by slidepack', () => {
  it('should write the hand-made shapes with every mapping in the loss report', async () => {
    const dir = await tempDir();
    const [output, report] = [join(dir, 'shapes.json'), join(dir, 'loss.json')];
    const args = ['convert', local('coco', 'shapes.ndjson'), '--to', 'coco', '-o', output];
    const result = await runCli([...args, '--report', report]);
    expect(result.code).toBe(0);
    const loss = JSON.parse(await readFile(report, 'utf8'));
    const codes = Object.fromEntries(loss.losses.map((e: { code: string }) => [e.code, e]));
    expect(codes.POINT_TO_BOX).toMatchObject({ count: 2, params: { pointBoxSize: 50 } });
    expect(codes.GEOMETRY_UNSUPPORTED).toMatchObject({ examples: ['line'], effect: 'dropped' });
    expect(codes.POLYGON_RASTERISED.examples).toEqual(['holed']);
    expect(codes.HOLES_DROPPED).toMatchObject({ examples: ['holed-unsized'] });
    expect(codes.HOLES_DROPPED.params.reason).toMatch(/no image size/);
    expect(codes.ELLIPSE_POLYGONISED.params).toEqual({ segments: 72 });
    expect(codes.SPLINE_DENSIFIED.params).toEqual({ samplesPerSegment: 16 });
    expect(codes.NO_GEOMETRY.examples).toEqual(['label']);
    expect(codes.UNCLASSIFIED_CATEGORY.examples).toEqual(['unclassified']);
    expect(codes.CLASS_PATH_FLATTENED.examples).toEqual(['rich']);
    // the multipoint's boxes around (20, 20) and (30, 30) on the 50 × 50 slide s3 cross its edges
    expect(codes.BOX_CLIPPED).toMatchObject({ count: 1, examples: ['multipoint'] });
    expect([loss.objectsRead, loss.objectsWritten]).toEqual([12, 10]);

    const coco = JSON.parse(await readFile(output, 'utf8'));
    expect(coco.annotations.map((a: { id: number }) => a.id)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    expect(coco.images.map((i: { id: number }) => i.id)).toEqual([1, 2, 3]);
    expect(coco.categories).toEqual([
      { id: 1, name: 'Tumor' },
      { id: 2, name: 'Tumor: Positive' },
      { id: 3, name: 'unclassified', unclassified: true },
    ]);
    // point (40, 40) → a 50 px box centred on it; RetinaNet's vote (CB did not vote)
    expect(coco.annotations[0]).toMatchObject({
      bbox: [15, 15, 50, 50],
      area: 2500,
      label_votes: [{ annotator: 'RetinaNet', category_id: 1 }],
    });
    // square (0,0)–(4,4) with hole (1,1)–(3,3) on the 100 × 80 slide: 12 pixels
    expect(coco.annotations[1]).toMatchObject({ bbox: [0, 0, 4, 4], area: 12, iscrowd: 0 });
    expect(coco.annotations[1].segmentation.size).toEqual([80, 100]);
    expect(coco.label_annotators).toEqual([
      { name: 'CB', kind: 'person' },
      { name: 'RetinaNet', kind: 'model' },
    ]);
  });

  it('should read the written holes mask back as the same 12 pixels', async () => {
    const dir = await tempDir();
    const output = join(dir, 'shapes.json');
    await runCli(['convert', local('coco', 'shapes.ndjson'), '--to', 'coco', '-o', output]);
    const back = join(dir, 'back.ndjson');
    const result = await runCli(['convert', output, '--to', 'canonical', '-o', back]);
    expect(result.code).toBe(0);
    const lines = (await readFile(back, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const mask = lines.find((r) => r.type === 'object' && r.id === '2').geometry;
    expect(mask).toMatchObject({ type: 'mask', x: 0, y: 0, width: 100, height: 80 });
    // column 0 rows 0–3, columns 1–2 rows 0 and 3, column 3 rows 0–3; then 76 + 96 × 80 = 7756
    expect(mask.counts).toEqual([0, 4, 76, 1, 2, 1, 76, 1, 2, 1, 76, 4, 7756]);
    const annotators = lines.filter((r) => r.type === 'annotator').map((r) => r.id);
    expect(annotators).toEqual(['CB', 'RetinaNet']);
  });

  it('should cut point boxes at the image edge, or keep them whole on request', async () => {
    const dir = await tempDir();
    const args = ['convert', local('coco', 'shapes.ndjson'), '--to', 'coco'];
    await runCli([...args, '-o', join(dir, 'cut.json')]);
    await runCli([...args, '-o', join(dir, 'whole.json'), '--no-clip-boxes']);
    const boxes = async (name: string) => {
      const coco = JSON.parse(await readFile(join(dir, name), 'utf8'));
      return coco.annotations.filter((a: { image_id: number }) => a.image_id === 3).at(-2).bbox;
    };
    // point (20, 20), 50 px box: [-5, -5, 50, 50] whole; cut at 0 it is [0, 0, 45, 45]
    expect(await boxes('cut.json')).toEqual([0, 0, 45, 45]);
    expect(await boxes('whole.json')).toEqual([-5, -5, 50, 50]);
    expect(pythonLoad(join(dir, 'cut.json')).outside).toEqual([]);
  });

  it('should drop polygons with holes on request', async () => {
    const dir = await tempDir();
    const [output, report] = [join(dir, 'shapes.json'), join(dir, 'loss.json')];
    const args = ['convert', local('coco', 'shapes.ndjson'), '--to', 'coco', '-o', output];
    await runCli([...args, '--holes', 'drop', '--point-box-size', '20', '--report', report]);
    const loss = JSON.parse(await readFile(report, 'utf8'));
    const unsupported = loss.losses.find(
      (e: { code: string }) => e.code === 'GEOMETRY_UNSUPPORTED',
    );
    expect(unsupported.examples).toEqual(['line', 'holed', 'holed-unsized']);
    const coco = JSON.parse(await readFile(output, 'utf8'));
    expect(coco.annotations[0].bbox).toEqual([30, 30, 20, 20]);
  });

  it('should write one file per split with its own images and ids from 1', async () => {
    const dir = join(await tempDir(), 'splits');
    const args = ['convert', local('coco', 'shapes.ndjson'), '--to', 'coco', '-o', dir];
    const result = await runCli([...args, '--split-files']);
    expect(result.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['test.json', 'train.json', 'val.json']);
    const train = JSON.parse(await readFile(join(dir, 'train.json'), 'utf8'));
    const val = JSON.parse(await readFile(join(dir, 'val.json'), 'utf8'));
    expect(train.images.map((i: { file_name: string }) => i.file_name)).toEqual(['s1.tiff']);
    expect(val.images).toEqual([{ id: 1, file_name: 's2.tiff', width: 40, height: 40 }]);
    expect(val.annotations.map((a: { id: number }) => a.id)).toEqual([1, 2]);
    expect(val.categories).toEqual(train.categories);
    for (const split of ['train', 'val', 'test']) {
      expect(pythonLoad(join(dir, `${split}.json`)).annotations).toBeGreaterThan(0);
    }
  });

  it('should refuse --split-files to stdout', async () => {
    const result = await runCli([
      'convert',
      local('coco', 'shapes.ndjson'),
      '--to',
      'coco',
      '--split-files',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--split-files.*give a folder with -o/);
  });

  it('should size an image from --image-size and then rasterise its holes', async () => {
    const dir = await tempDir();
    const [output, report] = [join(dir, 'shapes.json'), join(dir, 'loss.json')];
    const args = ['convert', local('coco', 'shapes.ndjson'), '--to', 'coco', '-o', output];
    await runCli([...args, '--image-size', '64x48', '--report', report]);
    const coco = JSON.parse(await readFile(output, 'utf8'));
    expect(coco.images[1]).toEqual({ id: 2, file_name: 's2.tiff', width: 64, height: 48 });
    const unsized = coco.annotations.find((a: { image_id: number }) => a.image_id === 2);
    // 40 × 40 square minus a 20 × 20 hole
    expect(unsized).toMatchObject({ area: 1200, segmentation: { size: [48, 64] } });
    expect(existsSync(report)).toBe(true);
  });
});
