/**
 * Publish benchmark: a generated release of about 2 GB (first argument: size in GB) is
 * published to a local radosgw beside `aws s3 cp --recursive` of the same folder to the same
 * gateway, and hashed beside `sha256sum`. Prints both ratios; targets: publish at least as
 * fast as the aws CLI (ratio >= 1), hashing at least 0.9x sha256sum.
 *
 *   npm run bench:publish            # 2 GB
 *   npm run bench:publish -- 0.5     # 0.5 GB
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sha256File } from '../src/io/hash.js';
import { buildRelease } from '../src/release/build.js';
import { listFiles } from '../src/release/inputs.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GB = 1e9;
const KEYS = {
  AWS_ACCESS_KEY_ID: 'TESTKEY',
  AWS_SECRET_ACCESS_KEY: 'TESTSECRET',
  AWS_DEFAULT_REGION: 'us-east-1',
};

/** Slides of mixed sizes (a few large, several medium) adding up to `bytes`. */
async function makeSlides(dir: string, bytes: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const sizes = [0.3, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.05].map((share) =>
    Math.round(share * bytes),
  );
  const chunk = Buffer.alloc(8 << 20);
  for (const [i, size] of sizes.entries()) {
    const handle = await open(join(dir, `slide-${String(i + 1).padStart(2, '0')}.tiff`), 'w');
    for (let written = 0; written < size; written += chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(chunk.length, size - written));
    }
    await handle.close();
  }
}

async function makeAnnotations(path: string, slides: number): Promise<void> {
  const lines = [{ type: 'dataset', schema: 'slidepack.canonical/1', sources: [] }];
  const frame = { origin: 'full-frame', pixelConvention: 'corner' };
  for (let i = 1; i <= slides; i++) {
    const id = `slide-${String(i).padStart(2, '0')}.tiff`;
    lines.push({ type: 'slide', id, name: id, frame, split: i % 4 ? 'train' : 'test' } as never);
  }
  await writeFile(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}

function time(
  label: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${label} failed (${run.status}): ${run.stderr}`);
  return seconds;
}

function startGateway(dir: string, bytes: number): string {
  const memstore = String(Math.ceil((bytes * 2.6 + GB) / 2 ** 20) * 2 ** 20);
  const run = spawnSync('bash', [join(ROOT, '.ci/start-rgw.sh'), dir], {
    encoding: 'utf8',
    env: { ...process.env, RGW_MEMSTORE_BYTES: memstore },
  });
  const port = /RGWPORT=(\d+)/.exec(run.stdout)?.[1];
  if (run.status !== 0 || !port) throw new Error(`radosgw did not start: ${run.stderr}`);
  return `http://127.0.0.1:${port}`;
}

async function stopGateway(dir: string): Promise<void> {
  for (const name of ['rgw', 'osd', 'mon']) {
    const pid = Number(await readFile(join(dir, `${name}.pid`), 'utf8').catch(() => '0'));
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 200; i++) {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch {}
  }
}

async function main(): Promise<void> {
  const bytes = Number(process.argv[2] ?? 2) * GB;
  const work = await mkdtemp(join(tmpdir(), 'slidepack-bench-'));
  const gatewayDir = join(work, 'rgw');
  try {
    console.log(`generating a ${(bytes / GB).toFixed(2)} GB release in ${work}`);
    await makeSlides(join(work, 'slides'), bytes);
    await makeAnnotations(join(work, 'annotations.ndjson'), 8);
    const release = await buildRelease({
      releasesDir: join(work, 'releases'),
      version: '1.0.0',
      slidesDir: join(work, 'slides'),
      annotations: [join(work, 'annotations.ndjson')],
      thumbnails: false,
    });
    const files = await listFiles(release.dir);
    time('warm the page cache', 'cat', files);

    const endpoint = startGateway(gatewayDir, bytes);
    const aws = ['--endpoint-url', endpoint];
    time('make buckets', 'aws', [...aws, 's3', 'mb', 's3://bench-slidepack'], KEYS);
    time('make buckets', 'aws', [...aws, 's3', 'mb', 's3://bench-awscli'], KEYS);
    const cli = join(ROOT, 'bin/slidepack.js');
    const ours = time(
      'slidepack publish',
      process.execPath,
      [
        cli,
        'publish',
        release.dir,
        '--to',
        's3://bench-slidepack/set',
        '--endpoint',
        endpoint,
        '-q',
      ],
      KEYS,
    );
    const theirs = time(
      'aws s3 cp',
      'aws',
      [
        ...aws,
        's3',
        'cp',
        '--recursive',
        '--only-show-errors',
        release.dir,
        's3://bench-awscli/set',
      ],
      KEYS,
    );

    const start = process.hrtime.bigint();
    for (const file of files) await sha256File(file);
    const hashOurs = Number(process.hrtime.bigint() - start) / 1e9;
    const hashTheirs = time('sha256sum', 'sha256sum', files);

    const total = files.length;
    console.log(`release: ${total} files, ${(bytes / GB).toFixed(2)} GB of slides`);
    console.log(`publish: slidepack ${ours.toFixed(2)} s, aws s3 cp ${theirs.toFixed(2)} s`);
    console.log(
      `hash:    slidepack ${hashOurs.toFixed(2)} s, sha256sum ${hashTheirs.toFixed(2)} s`,
    );
    console.log(
      `publish speed ratio (aws time / slidepack time, target >= 1.0): ${(theirs / ours).toFixed(2)}`,
    );
    console.log(
      `hash speed ratio (sha256sum time / slidepack time, target >= 0.9): ${(hashTheirs / hashOurs).toFixed(2)}`,
    );
  } finally {
    await stopGateway(gatewayDir);
    await rm(work, { recursive: true, force: true });
  }
}

await main();
