/**
 * Publish benchmark: a generated release of about 2 GB (first argument: size in GB) is
 * published to one local radosgw by `slidepack publish` and by `aws s3 cp --recursive` of the
 * same folder, then hashed by slidepack and by `sha256sum`. Prints both ratios; targets:
 * publish at least as fast as the aws CLI (ratio >= 1), hashing at least 0.9x sha256sum.
 *
 * Fairness: the same gateway and folder for both tools; the page cache is warmed before every
 * run; one untimed run of each tool first (cold gateway, cold caches); then timed runs that
 * alternate which tool goes first, each into an empty bucket; the bucket is emptied and the
 * gateway's garbage collected between runs. Medians (and every run) are printed with the
 * machine's load, since the machine may be shared.
 *
 *   npm run bench:publish                # 2 GB, 3 timed runs of each tool
 *   npm run bench:publish -- 1 5         # 1 GB, 5 timed runs of each tool
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sha256File } from '../src/io/hash.js';
import { buildRelease } from '../src/release/build.js';
import { listFiles } from '../src/release/inputs.js';
import { measure, type Run } from './measure.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GB = 1e9;

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

/** Run a command to completion; throw with its error output when it fails. */
function run(command: string, args: string[], env: Record<string, string> = {}): string {
  const done = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (done.status !== 0) {
    throw new Error(`${command} ${args.slice(0, 4).join(' ')} failed: ${done.stderr}`);
  }
  return done.stdout;
}

/** A throw-away radosgw on 127.0.0.1 (.ci/start-rgw.sh) with room for two copies. */
class Gateway {
  endpoint = '';

  constructor(readonly dir: string) {}

  start(bytes: number): void {
    const memstore = String(Math.ceil((bytes * 2.6 + GB) / 2 ** 20) * 2 ** 20);
    const out = run('bash', [join(ROOT, '.ci/start-rgw.sh'), this.dir], {
      RGW_MEMSTORE_BYTES: memstore,
    });
    const port = /RGWPORT=(\d+)/.exec(out)?.[1];
    if (!port) throw new Error(`radosgw did not say its port: ${out}`);
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  aws(args: string[]): string[] {
    return ['--endpoint-url', this.endpoint, ...args];
  }

  makeBucket(name: string): void {
    run('aws', this.aws(['s3', 'mb', `s3://${name}`]));
  }

  /** Delete the bucket and collect its objects now, so the in-memory OSD never fills. */
  dropBucket(name: string): void {
    run('aws', this.aws(['s3', 'rb', '--force', `s3://${name}`]));
    run('radosgw-admin', ['gc', 'process', '--include-all'], {
      CEPH_CONF: join(this.dir, 'ceph.conf'),
    });
  }

  async stop(): Promise<void> {
    for (const name of ['rgw', 'osd', 'mon']) {
      const pid = Number(await readFile(join(this.dir, `${name}.pid`), 'utf8').catch(() => '0'));
      if (pid) await stopProcess(pid);
    }
  }
}

async function stopProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 200; i++) {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch {}
}

type Tool = 'slidepack' | 'aws';

/**
 * Read every file once, so that both tools find them in the page cache. Read here rather than
 * by `cat` into /dev/null: where /dev/null is a plain file (as on some sandboxes), the bytes
 * would stay in RAM until something truncates it, and whichever tool runs then gets the memory.
 */
async function warm(files: string[]): Promise<void> {
  const buffer = Buffer.alloc(8 << 20);
  for (const file of files) {
    const handle = await open(file, 'r');
    while ((await handle.read(buffer, 0, buffer.length)).bytesRead > 0) {}
    await handle.close();
  }
}

/** One timed upload of the release into a new, empty bucket; the page cache warmed first. */
async function upload(tool: Tool, gateway: Gateway, release: string, files: string[]) {
  const bucket = `bench-${tool}-${Date.now().toString(36)}`;
  gateway.makeBucket(bucket);
  await warm(files);
  const load = loadavg()[0]!;
  const to = `s3://${bucket}/set`;
  const cli = join(ROOT, 'bin/slidepack.js');
  const done: Run =
    tool === 'slidepack'
      ? await measure(
          process.execPath,
          [cli, 'publish', release, '--to', to, '--endpoint', gateway.endpoint, '-q'],
          ROOT,
        )
      : await measure(
          'aws',
          gateway.aws(['s3', 'cp', '--recursive', '--only-show-errors', release, to]),
          ROOT,
        );
  if (done.failed) throw new Error(`${tool} failed: ${done.failed}`);
  gateway.dropBucket(bucket);
  return { ...done, load };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function describe(runs: { seconds: number; load: number }[]): string {
  return runs.map((r) => `${r.seconds.toFixed(2)} s (load ${r.load.toFixed(1)})`).join(', ');
}

/** Untimed warm-up of each tool, then `count` timed runs each, alternating who goes first. */
async function comparePublish(gateway: Gateway, release: string, files: string[], count: number) {
  await upload('slidepack', gateway, release, files);
  await upload('aws', gateway, release, files);
  const times: Record<Tool, { seconds: number; load: number }[]> = { slidepack: [], aws: [] };
  for (let i = 0; i < count; i++) {
    const order: Tool[] = i % 2 ? ['aws', 'slidepack'] : ['slidepack', 'aws'];
    for (const tool of order) times[tool].push(await upload(tool, gateway, release, files));
  }
  return times;
}

/** Hash every file with slidepack and with sha256sum, alternating, `count` times each. */
async function compareHash(files: string[], count: number) {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    for (const file of files) await sha256File(file);
    ours.push((performance.now() - start) / 1000);
    const peer = await measure('sha256sum', files, ROOT);
    if (peer.failed) throw new Error(`sha256sum failed: ${peer.failed}`);
    theirs.push(peer.seconds);
  }
  return { ours, theirs };
}

async function makeRelease(work: string, bytes: number) {
  await makeSlides(join(work, 'slides'), bytes);
  await makeAnnotations(join(work, 'annotations.ndjson'), 8);
  const release = await buildRelease({
    releasesDir: join(work, 'releases'),
    version: '1.0.0',
    slidesDir: join(work, 'slides'),
    annotations: [join(work, 'annotations.ndjson')],
    thumbnails: false,
  });
  return { dir: release.dir, files: await listFiles(release.dir) };
}

async function main(): Promise<void> {
  const bytes = Number(process.argv[2] ?? 2) * GB;
  const count = Math.max(3, Number(process.argv[3] ?? 3));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'TESTKEY',
    AWS_SECRET_ACCESS_KEY: 'TESTSECRET',
    AWS_DEFAULT_REGION: 'us-east-1',
  });
  const work = await mkdtemp(join(tmpdir(), 'slidepack-bench-'));
  const gateway = new Gateway(join(work, 'rgw'));
  try {
    console.log(`generating a ${(bytes / GB).toFixed(2)} GB release in ${work}`);
    const release = await makeRelease(work, bytes);
    gateway.start(bytes);
    const times = await comparePublish(gateway, release.dir, release.files, count);
    const hash = await compareHash(release.files, count);
    report(release.files.length, bytes, count, times, hash);
  } finally {
    await gateway.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function report(
  files: number,
  bytes: number,
  count: number,
  times: Record<Tool, { seconds: number; load: number }[]>,
  hash: { ours: number[]; theirs: number[] },
): void {
  const ours = median(times.slidepack.map((r) => r.seconds));
  const theirs = median(times.aws.map((r) => r.seconds));
  const hashOurs = median(hash.ours);
  const hashTheirs = median(hash.theirs);
  const [one, five] = loadavg();
  console.log(`release: ${files} files, ${(bytes / GB).toFixed(2)} GB of slides`);
  const devNull = statSync('/dev/null').isCharacterDevice() ? '' : '; /dev/null is a plain file';
  console.log(
    `machine: ${availableParallelism()} cores; load average now ${one!.toFixed(1)} (1 min), ` +
      `${five!.toFixed(1)} (5 min)${devNull}`,
  );
  console.log(`slidepack publish runs: ${describe(times.slidepack)}`);
  console.log(`aws s3 cp runs:         ${describe(times.aws)}`);
  console.log(
    `publish (median of ${count}): slidepack ${ours.toFixed(2)} s, aws s3 cp ${theirs.toFixed(2)} s`,
  );
  console.log(
    `hash (median of ${count}):    slidepack ${hashOurs.toFixed(2)} s, sha256sum ${hashTheirs.toFixed(2)} s`,
  );
  console.log(
    `publish speed ratio (aws time / slidepack time, target >= 1.0): ${(theirs / ours).toFixed(2)}`,
  );
  console.log(
    `hash speed ratio (sha256sum time / slidepack time, target >= 0.9): ${(hashTheirs / hashOurs).toFixed(2)}`,
  );
}

await main();
