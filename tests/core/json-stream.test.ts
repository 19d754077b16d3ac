import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonScanEvent, quoteNonFinite, scanJsonFile } from '../../src/io/json-stream.js';
import { tempDir } from '../helpers.js';

async function scan(text: string, split = ['features'], skip: string[] = []) {
  const dir = await tempDir();
  const path = join(dir, 'in.json');
  await writeFile(path, text);
  const events: JsonScanEvent[] = [];
  for await (const e of scanJsonFile(path, {
    splitKeys: new Set(split),
    skipKeys: new Set(skip),
    file: path,
  })) {
    events.push(e);
  }
  return events;
}

describe('scanJsonFile', () => {
  it('should split the items of a keyed array and return other members whole', async () => {
    const events = await scan(
      '{"type": "FeatureCollection", "features": [{"a": [1, 2]}, {"b": "x,]}"}, 3], "z": {"q": 1}}',
    );
    expect(events).toEqual([
      { kind: 'root', type: 'object', line: 1 },
      { kind: 'member', key: 'type', text: '"FeatureCollection"', line: 1, nonFinite: false },
      { kind: 'item', key: 'features', index: 0, text: '{"a": [1, 2]}', line: 1, nonFinite: false },
      { kind: 'item', key: 'features', index: 1, text: '{"b": "x,]}"}', line: 1, nonFinite: false },
      { kind: 'item', key: 'features', index: 2, text: '3', line: 1, nonFinite: false },
      { kind: 'member', key: 'z', text: '{"q": 1}', line: 1, nonFinite: false },
    ]);
  });

  it('should split a root array and count lines', async () => {
    const events = await scan('[\n {"a": 1},\n {"b": 2}\n]\n');
    const items = events.filter((e) => e.kind === 'item');
    expect(items.map((e) => [e.text, e.line])).toEqual([
      ['{"a": 1}', 2],
      ['{"b": 2}', 3],
    ]);
  });

  it('should skip members it is told to skip', async () => {
    const events = await scan(
      '{"images": [1], "annotations": [{"x": 1}], "n": 5}',
      [],
      ['annotations'],
    );
    expect(
      events.filter((e) => e.kind === 'member').map((e) => e.kind === 'member' && e.key),
    ).toEqual(['images', 'n']);
  });

  it('should quote bare NaN and Infinity outside strings only', async () => {
    const events = await scan('[{"m": {"a": NaN, "b": -Infinity, "c": "NaN Infinity"}}]');
    const item = events.find((e) => e.kind === 'item');
    expect(item?.kind === 'item' && JSON.parse(item.text)).toEqual({
      m: { a: 'NaN', b: '-Infinity', c: 'NaN Infinity' },
    });
    expect(quoteNonFinite('[Infinity, 1]')).toBe('["Infinity", 1]');
  });

  it('should fail on a truncated file naming the line', async () => {
    await expect(scan('{"features": [{"a": 1},\n {"b": ')).rejects.toThrow(/line 2.*ends early/);
  });
});
