import { spawn, spawnSync } from 'node:child_process';
import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { PublishError } from '../../src/errors.js';
import { publishRelease } from '../../src/publish/publish.js';
import { S3Store } from '../../src/publish/s3-store.js';
import type { Manifest } from '../../src/release/manifest.js';
import { ROOT, real, runCli, SLIDES, tempDir } from '../helpers.js';
import { buildFixtureRelease, newBucket, rgwClient, rgwEnv, sha256 } from './helpers.js';

const rgw = inject('rgw');
if (!rgw) console.warn('radosgw is not installed: the publish tests against it are skipped');

async function snapshot(client: S3Client, bucket: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const list = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const o of list.Contents ?? []) {
    const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
    out.set(o.Key!, sha256(Buffer.from(await r.Body!.transformToByteArray())));
  }
  return out;
}

function aws(args: string[], env: Record<string, string>) {
  return spawnSync('aws', ['--endpoint-url', rgw!.endpoint, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe.skipIf(!rgw)('publishing to radosgw', () => {
  const env = () => rgwEnv(rgw!);
  const endpoint = () => ['--endpoint', rgw!.endpoint];

  it('should publish a release built from real fixtures that the aws CLI lists, downloads and verify accepts', async () => {
    const work = await tempDir();
    const qupath = real('qupath-geojson', 'lmd_03012023_JN.geojson');
    const slides = join(work, 'slides');
    spawnSync('mkdir', ['-p', slides]);
    for (const name of ['CMU-1-Small-Region.svs', 'openslide-small.svs']) {
      spawnSync('cp', [join(SLIDES, name), slides]);
    }
    const build = await runCli([
      'release',
      'build',
      '--slides',
      slides,
      '-a',
      join(ROOT, 'tests/fixtures/release/annotations.ndjson'),
      qupath,
      '--version',
      '1.0.0',
      '-o',
      join(work, 'releases'),
    ]);
    expect(build.stderr).not.toMatch(/error/);
    expect(build.code).toBe(0);
    const bucket = await newBucket(rgw!);
    const release = join(work, 'releases', '1.0.0');
    const pub = await runCli(['publish', release, '--to', `s3://${bucket}/set`, ...endpoint()], {
      env: env(),
    });
    expect(pub.stderr).toContain('If-None-Match: * honoured');
    expect(pub.code).toBe(0);

    const listing = aws(['s3', 'ls', '--recursive', `s3://${bucket}/set/`], env());
    expect(listing.status).toBe(0);
    const manifest = JSON.parse(await readFile(join(release, 'manifest.json'), 'utf8')) as Manifest;
    for (const f of manifest.files) {
      const key = f.path.startsWith('data/slides/')
        ? `objects/sha256/${f.sha256}`
        : `releases/1.0.0/${f.path}`;
      expect(listing.stdout).toContain(`set/${key}`);
    }

    const dl = join(work, 'download');
    expect(
      aws(['s3', 'cp', '--recursive', `s3://${bucket}/set/releases/1.0.0/`, dl], env()).status,
    ).toBe(0);
    for (const f of manifest.files.filter((x) => x.path.startsWith('data/slides/'))) {
      const cp = aws(
        ['s3', 'cp', `s3://${bucket}/set/objects/sha256/${f.sha256}`, join(dl, f.path)],
        env(),
      );
      expect(cp.status).toBe(0);
    }
    for (const f of manifest.files) expect(sha256(await readFile(join(dl, f.path)))).toBe(f.sha256);
    expect(sha256(await readFile(join(dl, 'manifest.json')))).toBe(
      sha256(await readFile(join(release, 'manifest.json'))),
    );

    const local = await runCli(['verify', dl, '--complete']);
    // Payload files plus the BagIt tag files, none missing.
    const checked = Number(/(\d+) files match the manifest/.exec(local.stderr)?.[1]);
    expect(checked).toBe(manifest.files.length + 3);
    expect(local.stderr).not.toContain('missing');
    expect(local.code).toBe(0);
    const remote = await runCli(['verify', `s3://${bucket}/set`, ...endpoint()], { env: env() });
    expect(remote.code).toBe(0);
  });

  it('should refuse to publish a version twice and leave the first copy byte-identical', async () => {
    const first = await buildFixtureRelease('1.0.0');
    const bucket = await newBucket(rgw!);
    const to = `s3://${bucket}/set`;
    expect(
      (await runCli(['publish', first.dir, '--to', to, ...endpoint()], { env: env() })).code,
    ).toBe(0);
    const before = await snapshot(rgwClient(rgw!), bucket);

    const again = await runCli(['publish', first.dir, '--to', to, ...endpoint()], { env: env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/version 1\.0\.0 is already published/);

    // Another build under the same version number: different bytes, same name.
    const other = await buildFixtureRelease('1.0.0', { extraSlideBytes: 1000 });
    const clash = await runCli(['publish', other.dir, '--to', to, ...endpoint()], { env: env() });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(
      /already published with different content|exists with other content/,
    );
    expect(await snapshot(rgwClient(rgw!), bucket)).toEqual(before);
  });

  it('should catch a replaced tag file, and a replaced slide even with --quick', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const bucket = await newBucket(rgw!);
    const to = `s3://${bucket}/set`;
    expect((await runCli(['publish', dir, '--to', to, ...endpoint()], { env: env() })).code).toBe(
      0,
    );
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const slide = manifest.files.find((f) => f.path.endsWith('openslide-small.svs'))!;
    const client = rgwClient(rgw!);
    const put = (key: string, body: Buffer) =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

    // Objects replaced with other bytes of the same size, by something other than slidepack.
    const bagInfo = await readFile(join(dir, 'bag-info.txt'));
    await put('set/releases/1.0.0/bag-info.txt', Buffer.from(bagInfo.toString().toUpperCase()));
    const full = await runCli(['verify', to, ...endpoint()], { env: env() });
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/bag-info\.txt.*SHA-256.*tagmanifest-sha256\.txt/);

    await put(`set/objects/sha256/${slide.sha256}`, Buffer.alloc(slide.size, 7));
    const quick = await runCli(['verify', to, '--quick', ...endpoint()], { env: env() });
    expect(quick.code).toBe(1);
    expect(quick.stderr).toMatch(/openslide-small\.svs.*no SHA-256 stored with the object/);
  });

  it('should finish a publish killed midway when run again, and verify the result', async () => {
    const { dir } = await buildFixtureRelease('2.0.0', { extraSlideBytes: 240 << 20 });
    const bucket = await newBucket(rgw!);
    const to = `s3://${bucket}/set`;
    const args = [
      join(ROOT, 'bin/slidepack.js'),
      'publish',
      dir,
      '--to',
      to,
      '--json',
      ...endpoint(),
    ];
    const killedAt = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, args, { env: { ...process.env, ...env() } });
      let seen = 0;
      let pending = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const event = line.startsWith('{') ? JSON.parse(line) : undefined;
          if (
            event?.event === 'progress' &&
            event.phase === 'uploading' &&
            event.bytes >= 16 << 20 &&
            !seen
          ) {
            seen = event.bytes;
            child.kill('SIGKILL');
          }
        }
      });
      child.on('close', () => resolve(seen));
    });
    expect(killedAt).toBeGreaterThan(0);
    const client = rgwClient(rgw!);
    const head = client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'set/releases/2.0.0/manifest.json' }),
    );
    await expect(head).rejects.toThrow();

    // The killed run left its multipart upload ids in the journal beside the release.
    const journalDir = join(dir, '..', '.publish-journal');
    const journal = await readFile(join(journalDir, (await readdir(journalDir))[0]!), 'utf8');
    expect(journal).toMatch(/"upload":/);
    const rerun = await runCli(['publish', dir, '--to', to, ...endpoint()], { env: env() });
    expect(rerun.stderr).toMatch(/already in the store/);
    expect(rerun.code).toBe(0);
    expect(await readdir(journalDir)).toEqual([]);
    const verify = await runCli(['verify', to, ...endpoint()], { env: env() });
    expect(verify.stderr).toContain('files match the manifest');
    expect(verify.code).toBe(0);
  });

  it('should let an anonymous client read a --public release but not a private one', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const bucket = await newBucket(rgw!);
    const pub = await runCli(
      ['publish', dir, '--to', `s3://${bucket}/open`, '--public', ...endpoint()],
      { env: env() },
    );
    expect(pub.code).toBe(0);
    const priv = await runCli(['publish', dir, '--to', `s3://${bucket}/closed`, ...endpoint()], {
      env: env(),
    });
    expect(priv.code).toBe(0);

    const anon = (path: string) => fetch(`${rgw!.endpoint}/${bucket}/${path}`);
    expect((await anon('open/releases/1.0.0/manifest.json')).status).toBe(200);
    expect((await anon('closed/releases/1.0.0/manifest.json')).status).toBe(403);
    const noKeys = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    const okVerify = await runCli(['verify', `s3://${bucket}/open`, '--anonymous', ...endpoint()], {
      env: noKeys,
    });
    expect(okVerify.code).toBe(0);
    const noVerify = await runCli(
      ['verify', `s3://${bucket}/closed`, '--anonymous', ...endpoint()],
      { env: noKeys },
    );
    expect(noVerify.code).toBe(1);
    expect(noVerify.stderr).toContain('not public');
    const acl = aws(
      ['s3api', 'get-object-acl', '--bucket', bucket, '--key', 'open/latest.json'],
      env(),
    );
    expect(acl.stdout).not.toContain('AllUsers');
  });

  it('should fail with a clear error and exit 1 for wrong credentials, a missing bucket and an unreachable endpoint', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const bucket = await newBucket(rgw!);
    const wrong = { ...env(), AWS_SECRET_ACCESS_KEY: 'not-the-secret-x9' };
    const bad = await runCli(['publish', dir, '--to', `s3://${bucket}/set`, ...endpoint()], {
      env: wrong,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /refused the credentials \(SignatureDoesNotMatch|InvalidAccessKeyId/,
    );
    expect(bad.stderr + bad.stdout).not.toContain('not-the-secret-x9');

    const missing = await runCli(
      ['publish', dir, '--to', 's3://no-such-bucket-here/set', ...endpoint()],
      { env: env() },
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');

    const down = await runCli(
      ['publish', dir, '--to', `s3://${bucket}/set`, '--endpoint', 'http://127.0.0.1:9'],
      {
        env: env(),
      },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the endpoint .*ECONNREFUSED/);
    expect(down.stderr).not.toMatch(/at .*\.js:\d+/);
    expect((await snapshot(rgwClient(rgw!), bucket)).size).toBe(0);
  });

  it('should refuse to move latest.json when it changed since it was read', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const bucket = await newBucket(rgw!);
    const store = new S3Store(`s3://${bucket}/set`, { endpoint: rgw!.endpoint });
    process.env.AWS_ACCESS_KEY_ID = rgw!.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = rgw!.secretAccessKey;
    const raced = Buffer.from('{"schema":"slidepack.latest/1","version":"9.0.0"}\n');
    const putBytes = store.putBytes.bind(store);
    // Another publisher writes latest.json between this publish's read and its write.
    store.putBytes = async (key, body, type, condition) => {
      if (key === 'latest.json') await putBytes(key, raced, type, { create: true });
      return putBytes(key, body, type, condition);
    };
    const run = publishRelease({ release: dir, to: store.url, store });
    await expect(run).rejects.toThrow(PublishError);
    await expect(run).rejects.toThrow(/latest\.json changed while this publish ran/);
    const latest = await rgwClient(rgw!).send(
      new GetObjectCommand({ Bucket: bucket, Key: 'set/latest.json' }),
    );
    expect(Buffer.from(await latest.Body!.transformToByteArray())).toEqual(raced);
  });

  it('should refuse a release changed after it was built and upload nothing', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const splits = join(dir, 'data', 'splits.csv');
    const text = await readFile(splits, 'utf8');
    await writeFile(splits, text.replace('train', 'trian'));
    expect((await stat(splits)).size).toBe(Buffer.byteLength(text));
    const bucket = await newBucket(rgw!);
    const run = await runCli(['publish', dir, '--to', `s3://${bucket}/set`, ...endpoint()], {
      env: env(),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/changed since it was built \(hash mismatch\).*data\/splits\.csv/);
    expect((await snapshot(rgwClient(rgw!), bucket)).size).toBe(0);
  });
});

describe.skipIf(!rgw)('publishing a large file that changed after the build', () => {
  it('should abort its multipart upload, publish no release, and publish once the file is restored', async () => {
    const { dir } = await buildFixtureRelease('1.0.0', { extraSlideBytes: 40 << 20 });
    const slide = join(dir, 'data', 'slides', 'big.tiff');
    const original = await readFile(slide);
    const handle = await open(slide, 'r+');
    await handle.write(Buffer.from('changed'), 0, 7, 30 << 20);
    await handle.close();
    const bucket = await newBucket(rgw!);
    const to = `s3://${bucket}/set`;
    const run = await runCli(['publish', dir, '--to', to, '--endpoint', rgw!.endpoint], {
      env: rgwEnv(rgw!),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/big\.tiff changed since the release was built \(hash mismatch\)/);
    // Other files may have gone up, but no release is visible and the slide was never completed.
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const big = manifest.files.find((f) => f.path.endsWith('big.tiff'))!;
    const keys = [...(await snapshot(rgwClient(rgw!), bucket)).keys()];
    expect(keys).not.toContain('set/releases/1.0.0/manifest.json');
    expect(keys).not.toContain('set/latest.json');
    expect(keys).not.toContain(`set/objects/sha256/${big.sha256}`);

    // The aborted upload id is not kept: a re-run after restoring the file starts afresh.
    const journalDir = join(dir, '..', '.publish-journal');
    for (const name of await readdir(journalDir).catch(() => [])) {
      expect(await journalUploads(join(journalDir, name))).toEqual([]);
    }
    await writeFile(slide, original);
    const again = await runCli(['publish', dir, '--to', to, '--endpoint', rgw!.endpoint], {
      env: rgwEnv(rgw!),
    });
    expect(again.stderr).not.toMatch(/NoSuchKey|NoSuchUpload/);
    expect(again.code).toBe(0);
    const verify = await runCli(['verify', to, '--endpoint', rgw!.endpoint], { env: rgwEnv(rgw!) });
    expect(verify.stderr).toContain('files match the manifest');
    expect(verify.code).toBe(0);
  });

  it('should start a fresh multipart upload when the journalled one no longer exists', async () => {
    const { dir, releasesDir } = await buildFixtureRelease('1.0.0', { extraSlideBytes: 40 << 20 });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const big = manifest.files.find((f) => f.path.endsWith('big.tiff'))!;
    const bucket = await newBucket(rgw!);
    const to = `s3://${bucket}/set`;
    // An upload id the store has aborted since it was journalled (e.g. by a lifecycle rule).
    const client = rgwClient(rgw!);
    const key = `set/objects/sha256/${big.sha256}`;
    const created = await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId }),
    );
    const journalDir = join(releasesDir, '.publish-journal');
    await mkdir(journalDir, { recursive: true });
    const journal = join(journalDir, `1.0.0-${sha256(to).slice(0, 16)}.ndjson`);
    await writeFile(journal, `${JSON.stringify({ upload: created.UploadId, key })}\n`);

    const run = await runCli(['publish', dir, '--to', to, '--endpoint', rgw!.endpoint], {
      env: rgwEnv(rgw!),
    });
    expect(run.stderr).not.toMatch(/NoSuchKey|NoSuchUpload/);
    expect(run.code).toBe(0);
    const verify = await runCli(['verify', to, '--endpoint', rgw!.endpoint], { env: rgwEnv(rgw!) });
    expect(verify.code).toBe(0);
  });
});

/** Upload ids a journal still holds (started and neither completed nor forgotten). */
async function journalUploads(path: string): Promise<string[]> {
  const pending = new Map<string, string>();
  for (const line of (await readFile(path, 'utf8')).split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as {
      upload?: string;
      key?: string;
      done?: string;
      forget?: string;
    };
    if (entry.upload) pending.set(entry.key!, entry.upload);
    else pending.delete((entry.done ?? entry.forget)!);
  }
  return [...pending.values()];
}
