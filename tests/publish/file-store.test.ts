import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PublishError } from '../../src/errors.js';
import { FileStore } from '../../src/publish/file-store.js';
import { publishRelease } from '../../src/publish/publish.js';
import { runCli, tempDir } from '../helpers.js';
import { buildFixtureRelease } from './helpers.js';

describe('publishing to a local directory store', () => {
  it('should refuse a second publish of a version and not upload unchanged slides for the next one', async () => {
    const first = await buildFixtureRelease('1.0.0');
    const second = await buildFixtureRelease('1.1.0', {
      releasesDir: first.releasesDir,
      slidesDir: first.slidesDir,
    });
    const to = pathToFileURL(await tempDir()).href;
    expect((await runCli(['publish', first.dir, '--to', to])).code).toBe(0);
    const again = await runCli(['publish', first.dir, '--to', to]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('version 1.0.0 is already published');

    const next = await publishRelease({ release: second.dir, to });
    const slides = next.uploads.filter((u) => u.key.startsWith('objects/'));
    expect(slides.length).toBe(2);
    expect(slides.every((u) => u.action === 'present')).toBe(true);
    const latest = JSON.parse(await readFile(join(new FileStore(to).root, 'latest.json'), 'utf8'));
    expect(latest.version).toBe('1.1.0');
  });

  it('should keep a slide another publish stored meanwhile with the same bytes', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const store = new FileStore(pathToFileURL(await tempDir()).href);
    const putFile = store.putFile.bind(store);
    const raced: string[] = [];
    store.putFile = async (key, file, hooks) => {
      // Another publish sharing this slide stores it between our plan and our write.
      if (key.startsWith('objects/') && !raced.length) {
        raced.push(key);
        await putFile(key, file, hooks);
      }
      return putFile(key, file, hooks);
    };
    const done = await publishRelease({ release: dir, to: store.url, store });
    expect(raced).toHaveLength(1);
    expect(done.latest).toBe(true);
    expect((await runCli(['verify', store.url])).code).toBe(0);
  });

  it("should remove a killed publish's temporary files, and no one else's", async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const store = new FileStore(pathToFileURL(await tempDir()).href);
    const objects = join(store.root, 'objects', 'sha256');
    await mkdir(objects, { recursive: true });
    const host = hostname().replace(/[^A-Za-z0-9-]/g, '_');
    const gone = spawnSync('true').pid!;
    const names = {
      killed: `.${host}.${gone}.0123456789ab.tmp`,
      running: `.${host}.${process.pid}.0123456789ab.tmp`,
      elsewhere: `.other-machine.${gone}.0123456789ab.tmp`,
    };
    for (const name of Object.values(names)) await writeFile(join(objects, name), 'partial');

    await publishRelease({ release: dir, to: store.url, store });
    const left = await readdir(objects);
    expect(left).not.toContain(names.killed);
    expect(left).toContain(names.running);
    expect(left).toContain(names.elsewhere);
  });

  it('should stop with a conflict when latest.json changes between read and write', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const store = new FileStore(pathToFileURL(await tempDir()).href);
    const putBytes = store.putBytes.bind(store);
    store.putBytes = async (key, body, type, condition) => {
      if (key === 'latest.json')
        await writeFile(join(store.root, 'latest.json'), '{"version":"5.0.0"}');
      return putBytes(key, body, type, condition);
    };
    const run = publishRelease({ release: dir, to: store.url, store });
    await expect(run).rejects.toThrow(PublishError);
    expect(await readFile(join(store.root, 'latest.json'), 'utf8')).toBe('{"version":"5.0.0"}');
  });

  it('should fetch one split, verify it as partial, and catch a corrupted object in the store', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const root = await tempDir();
    const to = pathToFileURL(root).href;
    expect((await runCli(['publish', dir, '--to', to])).code).toBe(0);
    const out = join(await tempDir(), 'test-split');
    const fetched = await runCli([
      'fetch',
      to,
      '--split',
      'test',
      '--format',
      'coco',
      '-o',
      out,
      '--json',
    ]);
    expect(fetched.code).toBe(0);
    const lines = fetched.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const files = lines.find((l) => l.event === 'result').fetched as string[];
    expect(files).toContain('data/slides/openslide-small.svs');
    expect(files).not.toContain('data/slides/CMU-1-Small-Region.svs');
    expect(files).toContain('data/annotations/coco/annotations.json');
    expect(files.some((f) => f.startsWith('data/annotations/asap-xml/'))).toBe(false);
    const partial = await runCli(['verify', out]);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toMatch(/files match the manifest, \d+ missing/);
    expect(partial.stderr).toContain('not downloaded: data/slides/CMU-1-Small-Region.svs');
    const complete = await runCli(['verify', out, '--complete']);
    expect(complete.code).toBe(1);
    expect(complete.stderr.split('CMU-1-Small-Region.svs')).toHaveLength(2);

    const canonical = join(root, 'releases/1.0.0/data/annotations/canonical/annotations.ndjson');
    await writeFile(canonical, (await readFile(canonical, 'utf8')).replace('Tumor', 'Tumur'));
    const damaged = await runCli(['verify', to]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/annotations\.ndjson.*SHA-256/);
  });
});
