import { describe, expect, it } from 'vitest';
import { local } from '../helpers.js';
import { readCoco } from './read.js';

describe('zero-size boxes', () => {
  it('should keep them and warn once with the places of the first five', async () => {
    const { set, messages } = await readCoco(local('coco', 'zero-size-boxes.json'));
    expect(set.objects).toHaveLength(7);
    expect(set.objects[1]!.geometry).toEqual({
      type: 'rectangle',
      x: 10,
      y: 10,
      width: 0,
      height: 20,
    });
    expect(messages.list).toHaveLength(1);
    const [warning] = messages.list;
    expect(warning).toMatchObject({
      severity: 'warning',
      ruleId: 'coco/empty-bbox',
      place: '/annotations/1/bbox',
    });
    expect(warning!.message).toMatch(/^6 bboxes have zero width or height, so no area/);
    expect(warning!.message).toMatch(
      /\(\/annotations\/1\/bbox, .*\/annotations\/5\/bbox and 1 more\)/,
    );
  });

  it('should not warn when boxes are read as points', async () => {
    const path = local('coco', 'zero-size-boxes.json');
    const { set, messages } = await readCoco(path, { 'boxes-as-points': true });
    expect(messages.list).toEqual([]);
    expect(set.objects[1]!.geometry).toEqual({ type: 'point', coordinates: [10, 20] });
  });
});

describe('annotations the reader leaves out', () => {
  it('should count each in the loss report by its JSON pointer', async () => {
    const { set, loss } = await readCoco(local('coco', 'bad-missing-refs.json'));
    expect(set.objects).toHaveLength(1);
    const entry = loss.entriesList().find((e) => e.code === 'OBJECT_NOT_READ');
    expect(entry).toMatchObject({ count: 2, effect: 'dropped' });
    expect(entry!.examples).toEqual(['/annotations/1', '/annotations/2']);
    expect(loss.summary()).toMatch(/losses: OBJECT_NOT_READ 2$/);
  });

  it('should count an annotation left out for a repeated id', async () => {
    const { loss } = await readCoco(local('coco', 'bad-duplicate-ids.json'));
    const entry = loss.entriesList().find((e) => e.code === 'OBJECT_NOT_READ');
    expect(entry?.examples).toEqual(['/annotations/2']);
  });
});
