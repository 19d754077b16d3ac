import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { local, real, runCli, tempDir } from '../helpers.js';
import { readCoco } from './read.js';

function records(text: string): { type: string; id?: string }[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('COCO files with empty arrays', () => {
  it('should read a file whose annotations array is empty', async () => {
    const { set, messages } = await readCoco(local('coco', 'empty-annotations.json'));
    expect(messages.list).toEqual([]);
    expect([...set.slides.keys()]).toEqual(['a.tiff']);
    expect([...set.classes.keys()]).toEqual(['tumor']);
    expect(set.objects).toEqual([]);
  });

  it('should read a file whose images, categories and annotations are all empty', async () => {
    const { set, messages } = await readCoco(local('coco', 'empty-categories.json'));
    expect(messages.list).toEqual([]);
    expect(set.dataset?.name).toBe('a split without objects');
    expect(set.dataset?.extras).toEqual({
      coco: { info: { description: 'a split without objects' } },
    });
    expect([set.slides.size, set.classes.size, set.objects.length]).toEqual([0, 0, 0]);
  });

  it('should convert an empty annotations array to canonical on the command line', async () => {
    const output = join(await tempDir(), 'out.ndjson');
    const args = ['convert', local('coco', 'empty-annotations.json'), '--to', 'canonical'];
    const result = await runCli([...args, '-o', output]);
    expect(result.stderr).toBe('0 objects read, 0 written; nothing lost\n');
    expect(result.code).toBe(0);
    const types = records(await readFile(output, 'utf8')).map((r) => r.type);
    expect(types).toEqual(['dataset', 'slide', 'class']);
  });

  it('should still refuse an "annotations" member that is not an array, naming it', async () => {
    const output = join(await tempDir(), 'out.ndjson');
    const args = ['convert', local('coco', 'bad-annotations-object.json'), '--from', 'coco'];
    const result = await runCli([...args, '--to', 'canonical', '-o', output]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /\(\/annotations\): not a COCO file: "annotations" is not an array/,
    );
  });

  it('should read back the COCO file written from the empty SlideRunner database', async () => {
    const dir = await tempDir();
    const [coco, back] = [join(dir, 'empty.json'), join(dir, 'back.ndjson')];
    const source = real('sliderunner-sqlite', 'sliderunner_Slides_empty.sqlite');
    const written = await runCli(['convert', source, '--to', 'coco', '-o', coco]);
    expect(written.code).toBe(0);
    // its one slide has no size and no objects: no image size to write, so it is left out
    expect(written.stderr).toMatch(/0 objects read, 0 written; losses: SLIDE_DROPPED 1\n$/);
    const json = JSON.parse(await readFile(coco, 'utf8'));
    expect([json.images, json.annotations, json.categories]).toEqual([[], [], []]);
    const result = await runCli(['convert', coco, '--to', 'canonical', '-o', back]);
    expect(result.stderr).toBe('0 objects read, 0 written; nothing lost\n');
    expect(result.code).toBe(0);
    expect(records(await readFile(back, 'utf8')).map((r) => r.type)).toEqual(['dataset']);
  });

  it("should keep the empty database's slide when given --image-size", async () => {
    const dir = await tempDir();
    const [coco, back] = [join(dir, 'empty.json'), join(dir, 'back.ndjson')];
    const source = real('sliderunner-sqlite', 'sliderunner_Slides_empty.sqlite');
    const args = ['convert', source, '--to', 'coco', '-o', coco, '--image-size', '1000x800'];
    expect((await runCli(args)).stderr).toBe('0 objects read, 0 written; nothing lost\n');
    expect((await runCli(['convert', coco, '--to', 'canonical', '-o', back])).code).toBe(0);
    const slide = records(await readFile(back, 'utf8')).find((r) => r.type === 'slide');
    expect(slide).toMatchObject({ id: '2958_14_1A__1_MCT Mitose 2017.svs', width: 1000 });
  });
});
