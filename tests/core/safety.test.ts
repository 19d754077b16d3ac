import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { real, ROOT, runCli, tempDir } from '../helpers.js';

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** A canonical file of many spots, large enough that converting it takes a few seconds. */
async function manySpots(path: string, count: number): Promise<void> {
  const lines = [
    '{"type":"dataset","schema":"slidepack.canonical/1","sources":[]}',
    '{"type":"slide","id":"s.svs","name":"s.svs",' +
      '"frame":{"origin":"full-frame","pixelConvention":"corner"}}',
    '{"type":"class","id":"mitosis","name":"mitosis","path":["mitosis"]}',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(
      `{"type":"object","id":"o${i}","slide":"s.svs","kind":"annotation","class":"mitosis",` +
        `"geometry":{"type":"point","coordinates":[${i % 5000},${Math.floor(i / 5000)}]}}`,
    );
  }
  await writeFile(path, `${lines.join('\n')}\n`);
}

describe('inputs are never modified, outputs never half-written', () => {
  it('should refuse an output path that is the input, leaving the input unchanged', async () => {
    const dir = await tempDir();
    const input = join(dir, 'a.geojson');
    await copyFile(real('qupath-geojson', 'lmd_objects.geojson'), input);
    const before = await sha256(input);
    const result = await runCli(['convert', input, '--to', 'qupath-geojson', '-o', input]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is an input');
    expect(await sha256(input)).toBe(before);
  });

  it('should refuse a folder output whose per-slide file would be the input', async () => {
    const dir = await tempDir();
    const input = join(dir, 'a.geojson');
    await copyFile(real('qupath-geojson', 'lmd_objects.geojson'), input);
    const before = await sha256(input);
    const result = await runCli(['convert', input, '--to', 'qupath-geojson', '-o', `${dir}/`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('would overwrite an input');
    expect(await sha256(input)).toBe(before);
  });

  it('should remove its temporary file when stopped with Ctrl-C', async () => {
    const dir = await tempDir();
    const input = join(dir, 'spots.ndjson');
    await manySpots(input, 400_000);
    const child = spawn(process.execPath, [
      join(ROOT, 'bin', 'slidepack.js'),
      'convert',
      input,
      '--to',
      'sliderunner-sqlite',
      '-o',
      join(dir, 'out.sqlite'),
    ]);
    // Stop it once the temporary database exists, that is, midway through writing.
    for (let i = 0; i < 200 && !(await readdir(dir)).some((f) => f.endsWith('.tmp')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise((resolve) =>
      child.on('close', (c, signal) => resolve(c ?? signal)),
    );
    expect(code).toBe(130);
    expect(await readdir(dir)).toEqual(['spots.ndjson']);
  });
});
