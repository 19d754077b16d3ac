import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { local, runCli, tempDir } from '../helpers.js';

const SHAPES = local('imagescope', 'shapes.xml');

async function variant(from: string, to: string): Promise<string> {
  const path = join(await tempDir(), 'bad.xml');
  await writeFile(path, readFileSync(SHAPES, 'utf8').replace(from, to));
  return path;
}

async function convert(input: string, ...args: string[]) {
  const out = join(await tempDir(), 'out.ndjson');
  return runCli(['convert', input, '--to', 'canonical', '-o', out, ...args]);
}

/** True when a line has a bracket opened inside another one. */
function nested(line: string): boolean {
  let depth = 0;
  for (const c of line) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (depth > 1) return true;
  }
  return false;
}

describe('ImageScope and XML messages', () => {
  it('should name an undefined XML entity and its place', async () => {
    const input = await variant('Text="ruler"', 'Text="ruler &bogus; tool"');
    const r = await convert(input);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /bad\.xml \(line 48, column \d+\): .*the entity &bogus; is not defined/,
    );
    expect(r.stderr).not.toMatch(/Invalid character entity/);
  });

  it('should say how to write a bare ampersand', async () => {
    const input = await variant('Text="ruler"', 'Text="salt & pepper"');
    const r = await convert(input);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.xml \(line 48, column \d+\): .*write a plain & as &amp;/);
  });

  it('should explain a decimal comma without brackets inside brackets', async () => {
    const input = await variant(
      '<Vertex X="1000" Y="0" Z="0"/>',
      '<Vertex X="1000,5" Y="0" Z="0"/>',
    );
    const r = await convert(input);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/X="1000,5" uses a decimal comma; pass --repair-decimal-comma/);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines.filter(nested)).toEqual([]);
  });

  it('should print warnings about bad values without brackets inside brackets', async () => {
    const r = await convert(local('imagescope', 'bad-values.xml'));
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.filter(nested)).toEqual([]);
  });
});
