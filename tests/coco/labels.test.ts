import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert } from '../../src/convert.js';
import { findConverter } from '../../src/formats.js';
import { silentLogger } from '../../src/log.js';
import { Messages } from '../../src/messages.js';
import { collect } from '../../src/model/collect.js';
import { computeStats } from '../../src/stats/index.js';
import { local, real, tempDir } from '../helpers.js';
import { readCoco } from './read.js';

async function readWith(format: string, path: string) {
  const converter = findConverter(format)!;
  const context = { messages: new Messages(), logger: silentLogger, options: {} };
  return collect(converter.read!({ path }, context));
}

async function toCoco(input: string): Promise<string> {
  const output = join(await tempDir(), 'out.json');
  await convert({ inputs: [input], to: 'coco', output });
  return output;
}

describe('per-annotator votes written to COCO', () => {
  it('should keep every SlideRunner vote of MIDOG, so its statistics survive', async () => {
    const source = real('sliderunner-sqlite', 'midog_MIDOG.sqlite');
    const before = await readWith('sliderunner-sqlite', source);
    const { set: after, messages } = await readCoco(await toCoco(source));
    expect(messages.hasErrors).toBe(false);
    const [a, b] = [computeStats(before), computeStats(after)];
    // what `slidepack stats` prints for the SlideRunner database: kappa 0.708, RetinaNet
    // (a model) 1295 votes on 957 objects, expert 2 voting twice on 4 objects
    expect(a.agreement.fleiss.kappa).toBeCloseTo(0.708, 3);
    expect(b.agreement.fleiss).toEqual(a.agreement.fleiss);
    expect(b.agreement.pairwise).toEqual(a.agreement.pairwise);
    expect(b.agreement.excluded).toEqual(['RetinaNet']);
    expect(b.annotators).toEqual(a.annotators);
    const retina = b.annotators.find((s) => s.id === 'RetinaNet');
    expect(retina).toMatchObject({ kind: 'model', labels: 1295, objects: 957 });
    // and each object's votes, in order, with the SlideRunner label ids
    expect(after.objects.map((o) => o.labels)).toEqual(before.objects.map((o) => o.labels));
  });

  it('should tell a vote without a class from no vote, and keep repeated votes', async () => {
    const before = await readWith('canonical', local('coco', 'votes.ndjson'));
    const output = await toCoco(local('coco', 'votes.ndjson'));
    const json = JSON.parse(await readFile(output, 'utf8'));
    expect(json.label_annotators).toEqual([
      { name: 'expert 1', kind: 'person' },
      { name: 'RetinaNet', kind: 'model' },
      { id: 'AB#7', name: 'AB', kind: 'person' },
    ]);
    expect(json.annotations[0].label_votes).toEqual([
      { annotator: 'expert 1', category_id: 1 },
      { annotator: 'RetinaNet', category_id: null },
    ]);
    expect(json.annotations[1].label_votes).toEqual([{ annotator: 'expert 1', category_id: 2 }]);
    expect(json.annotations[0].labels).toBeUndefined();
    const { set: after } = await readCoco(output);
    expect([...after.annotators.values()]).toEqual([...before.annotators.values()]);
    expect(after.objects.map((o) => o.labels)).toEqual(before.objects.map((o) => o.labels));
  });

  it('should write MIDOG++ experts back as its positional labels, nothing added', async () => {
    const output = await toCoco(real('coco', 'midogpp_MIDOG++.json'));
    const json = JSON.parse(await readFile(output, 'utf8'));
    expect(json.label_annotators).toBeUndefined();
    expect(json.annotations.filter((a: object) => 'label_votes' in a)).toEqual([]);
    expect(
      json.annotations.filter((a: { labels?: unknown[] }) => a.labels?.length === 3),
    ).toHaveLength(8559);
  });
});
