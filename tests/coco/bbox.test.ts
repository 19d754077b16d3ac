import { describe, expect, it } from 'vitest';
import { local, real } from '../helpers.js';
import { readCoco } from './read.js';

function rules(messages: { list: { ruleId: string }[] }): string[] {
  return messages.list.map((m) => m.ruleId);
}

describe('warnings about the box format', () => {
  it('should not blame missing image sizes when a box points at a missing image', async () => {
    const { messages } = await readCoco(local('coco', 'bad-dangling-image.json'));
    expect(rules(messages)).toEqual(['coco/annotation']);
    expect(messages.list[0]).toMatchObject({ place: '/annotations/0/image_id' });
  });

  it('should not blame missing image sizes when an image has a negative height', async () => {
    const { messages } = await readCoco(local('coco', 'bad-negative-height.json'));
    expect(rules(messages)).toEqual(['coco/image-size']);
    expect(messages.list[0]?.message).toMatch(/negative height/);
  });

  it('should still say when no image the corner-like boxes lie on has a size', async () => {
    const { messages } = await readCoco(local('coco', 'unsized-corners.json'));
    const warning = messages.list.find((m) => m.ruleId === 'coco/bbox-format-unknown');
    expect(warning?.message).toMatch(/none of the 2 images they lie on has a width and height/);
  });

  it('should warn once when a forced --bbox-format puts MIDOG boxes off their images', async () => {
    const path = real('coco', 'midog_MIDOG.json');
    const { messages } = await readCoco(path, { 'bbox-format': 'xywh' });
    const warnings = messages.list.filter((m) => m.ruleId === 'coco/bbox-past-edge');
    expect(warnings).toHaveLength(1);
    // every one of the 150 annotated images, against 12 whose 50 px corner boxes stick out
    expect(warnings[0]).toMatchObject({ file: path, place: '/annotations' });
    const message = warnings[0]?.message;
    expect(message).toMatch(/^read with --bbox-format xywh, the boxes of 150 images reach past/);
    expect(message).toMatch(/\("001.tiff", .* and 145 more\); read as xyxy, .* 12 would/);
  });

  it('should not warn about the edge when the reading agrees with the rule', async () => {
    const path = real('coco', 'midog_MIDOG.json');
    for (const options of [{}, { 'bbox-format': 'xyxy' }]) {
      const { messages } = await readCoco(path, options);
      expect(rules(messages)).not.toContain('coco/bbox-past-edge');
    }
  });
});
