import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { local, runCli, tempDir } from '../helpers.js';
import { readSet } from '../xml/helpers.js';

const BAD = local('imagescope', 'bad-values.xml');

/** The messages of a read as `rule line`, in order. */
async function messagesOf(path: string, options: Record<string, unknown> = {}) {
  const { set, messages } = await readSet('imagescope-xml', path, options);
  const list = messages.list.map((m) => `${m.severity} ${m.ruleId} ${m.place}`);
  return { set, messages, list };
}

describe('ImageScope values that cannot be read', () => {
  it('should warn about each bad value with its rule and line, and read the rest', async () => {
    const { set, messages, list } = await messagesOf(BAD);
    expect(list).toEqual([
      'warning imagescope/microns-per-pixel line 1',
      'warning imagescope/line-color line 2',
      'warning imagescope/too-few-points line 4',
      'warning imagescope/too-few-points line 9',
    ]);
    expect(messages.list.every((m) => m.file === BAD)).toBe(true);
    expect(messages.hasErrors).toBe(false);
    expect([...set.slides.values()][0]!.mpp).toBeUndefined();
    expect([...set.classes.values()][0]!.color).toBeUndefined();
    const geometries = set.objects.map((o) => o.geometry?.type);
    expect(geometries).toEqual(['point', 'line', 'polygon']);
  });

  it('should say what a bad value was and what was expected', async () => {
    const { messages } = await messagesOf(BAD);
    const [mpp, color, ellipse, polygon] = messages.list;
    expect(color).toMatchObject({
      actual: '"red"',
      expected: expect.stringMatching(/16777215/),
    });
    expect(mpp).toMatchObject({ actual: '"abc"', expected: expect.stringMatching(/positive/) });
    expect(ellipse!.message).toBe('an ellipse region with 1 vertex; read as a point');
    expect(polygon!.message).toBe('a polygon region with 2 vertices; read as a line');
    expect(polygon!.expected).toBe('at least 3');
  });

  it('should print each warning with the file, the XML line and the rule id', async () => {
    const out = join(await tempDir(), 'out.ndjson');
    const r = await runCli(['convert', BAD, '--to', 'canonical', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /bad-values\.xml \(line 1\): warning MicronsPerPixel .*\[imagescope\/microns-per-pixel\]/,
    );
    expect(r.stderr).toMatch(
      /bad-values\.xml \(line 2\): warning LineColor .*\[imagescope\/line-color\]/,
    );
    expect(r.stderr).toMatch(
      /bad-values\.xml \(line 9\): warning a polygon region .*\[imagescope\/too-few-points\]/,
    );
  });

  it('should read MicronsPerPixel="0" and an empty one as unknown without a warning', async () => {
    for (const value of ['0', '', '0.000000']) {
      const path = join(await tempDir(), 'zero.xml');
      const text = readFileSync(BAD, 'utf8')
        .replace('MicronsPerPixel="abc"', `MicronsPerPixel="${value}"`)
        .replace('LineColor="red"', 'LineColor="255"');
      await writeFile(path, text);
      const { set, list } = await messagesOf(path);
      expect(list.filter((l) => !l.includes('too-few-points'))).toEqual([]);
      expect([...set.slides.values()][0]!.mpp).toBeUndefined();
    }
  });
});
