import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanJsonFile } from '../../src/io/json-stream.js';
import { tempDir } from '../helpers.js';

/** Items whose strings hold quotes, backslashes and brackets, so chunk edges fall everywhere. */
function tricky(i: number): unknown {
  const slashes = '\\'.repeat(i % 5);
  return {
    type: 'Feature',
    id: `id-${i}`,
    properties: {
      name: `a "quoted" ${slashes}name ] } [ { ${i}`,
      deep: {
        list: [
          [i, i + 0.5],
          [-i, 1e-7],
        ],
        text: `${slashes}"`,
      },
      measurements: { 'NaN count': i % 7 === 0 ? 'NaN' : i },
    },
  };
}

describe('scanJsonFile across 1 MiB read chunks', () => {
  it('should cut every item exactly whatever byte a chunk ends on', async () => {
    const items = Array.from({ length: 12_000 }, (_, i) => tricky(i));
    const dir = await tempDir();
    const path = join(dir, 'big.json');
    await writeFile(path, JSON.stringify({ type: 'FeatureCollection', features: items }, null, 1));

    const seen: unknown[] = [];
    let lastLine = 0;
    for await (const e of scanJsonFile(path, { splitKeys: new Set(['features']), file: path })) {
      if (e.kind !== 'item') continue;
      seen.push(JSON.parse(e.text));
      expect(e.line).toBeGreaterThan(lastLine);
      lastLine = e.line;
    }
    expect(seen).toEqual(JSON.parse(JSON.stringify(items)));
  });

  it('should flag bare NaN deep inside an item and leave string NaN alone', async () => {
    const dir = await tempDir();
    const path = join(dir, 'nan.json');
    const filler = 'x'.repeat(1 << 20);
    await writeFile(path, `[{"a": "${filler}", "m": {"v": [1, NaN]}}, {"m": {"v": "NaN"}}]`);
    const events = [];
    for await (const e of scanJsonFile(path, { splitKeys: new Set(), file: path })) {
      if (e.kind === 'item') events.push(e);
    }
    expect(events.map((e) => e.nonFinite)).toEqual([true, false]);
    expect(JSON.parse(events[0]!.text).m.v[1]).toBe('NaN');
  });
});
