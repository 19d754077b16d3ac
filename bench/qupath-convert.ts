import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seededRandom } from '../src/util/random.js';

/**
 * Throughput and peak memory of `slidepack convert <QuPath cells> --to canonical` beside
 * `ogr2ogr -f GeoJSON` on the same synthetic QuPath cell export, at two sizes.
 *
 *   node dist/bench/qupath-convert.js [cells...] [--runs N]   (default: 50000 200000, 2 runs)
 *
 * Each tool runs N times per size and its fastest run counts, so a busy machine disturbs the
 * ratio less. Peak RSS is the largest of the runs.
 * Targets: at least 5× ogr2ogr's throughput; peak RSS under 300 MB and flat between sizes.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'bin', 'slidepack.js');
const TIME = '/usr/bin/time';

const MEASUREMENTS = Array.from({ length: 40 }, (_, i) =>
  i < 20 ? `Cell: Channel ${i} mean` : `Nucleus: Channel ${i - 20} std dev`,
);

function uuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function ring(next: () => number, cx: number, cy: number, r: number, n: number): number[][] {
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const rr = r * (0.85 + 0.3 * next());
    points.push([round(cx + rr * Math.cos(a)), round(cy + rr * Math.sin(a))]);
  }
  points.push(points[0]!);
  return points;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** One QuPath 0.5-style cell: ~24-vertex boundary, ~16-vertex nucleus, 40 measurements. */
function cell(next: () => number, i: number): string {
  const cx = 1000 + (i % 1000) * 40 + next() * 10;
  const cy = 1000 + Math.floor(i / 1000) * 40 + next() * 10;
  const measurements: Record<string, number> = {};
  for (const name of MEASUREMENTS) measurements[name] = round(next() * 1000) + 0.123456;
  return JSON.stringify({
    type: 'Feature',
    id: uuid(next),
    geometry: { type: 'Polygon', coordinates: [ring(next, cx, cy, 15, 24)] },
    nucleusGeometry: { type: 'Polygon', coordinates: [ring(next, cx, cy, 7, 16)] },
    properties: {
      objectType: 'cell',
      classification: {
        name: i % 3 ? 'Tumor' : 'Stroma',
        color: i % 3 ? [200, 0, 0] : [0, 150, 0],
      },
      measurements,
    },
  });
}

/** Write a synthetic QuPath cell export of `cells` cells (about 2.5 KB each). */
export async function generate(path: string, cells: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const next = seededRandom(cells);
  const batch: string[] = [];
  out.write('{"type":"FeatureCollection","features":[\n');
  for (let i = 0; i < cells; i++) {
    batch.push(cell(next, i));
    if (batch.length === 1000 || i === cells - 1) {
      const text = batch.join(',\n') + (i === cells - 1 ? '\n]}\n' : ',\n');
      batch.length = 0;
      if (!out.write(text)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

interface Run {
  seconds: number;
  peakMb: number;
}

/** Run a command, timing it and taking its peak RSS from /usr/bin/time or /proc. */
async function measure(command: string, args: string[]): Promise<Run> {
  const useTime = existsSync(TIME);
  const start = performance.now();
  const child = useTime
    ? spawn(TIME, ['-f', '%M', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let polled = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => (polled = Math.max(polled, vmHwm(child.pid))), 20);
  const [code] = (await once(child, 'close')) as [number];
  if (poll) clearInterval(poll);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`${command} failed (${code}): ${stderr.slice(-2000)}`);
  const kb = useTime ? Number(stderr.trim().split('\n').at(-1)) : polled;
  return { seconds, peakMb: kb / 1024 };
}

function vmHwm(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface Row {
  cells: number;
  mb: number;
  slidepack: Run;
  ogr: Run;
}

/** The fastest of `runs` runs, with the highest peak RSS seen. */
async function best(runs: number, run: () => Promise<Run>): Promise<Run> {
  let fastest: Run | undefined;
  let peakMb = 0;
  for (let i = 0; i < runs; i++) {
    const r = await run();
    peakMb = Math.max(peakMb, r.peakMb);
    if (!fastest || r.seconds < fastest.seconds) fastest = r;
  }
  return { seconds: fastest!.seconds, peakMb };
}

async function benchSize(dir: string, cells: number, runs: number): Promise<Row> {
  const input = join(dir, `cells-${cells}.geojson`);
  await generate(input, cells);
  const mb = (await stat(input)).size / 1e6;
  const outNdjson = join(dir, `out-${cells}.ndjson`);
  const outGeojson = join(dir, `out-${cells}.geojson`);
  const ours = [CLI, 'convert', input, '--to', 'canonical', '-o', outNdjson, '--quiet'];
  const slidepack = await best(runs, () => measure(process.execPath, ours));
  // ogr2ogr refuses to overwrite an existing output.
  const ogr = await best(runs, async () => {
    await rm(outGeojson, { force: true });
    return measure('ogr2ogr', ['-f', 'GeoJSON', outGeojson, input]);
  });
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return { cells, mb, slidepack, ogr };
}

function report(rows: Row[]): boolean {
  const fmt = (n: number, d = 1) => n.toFixed(d).padStart(8);
  console.log('   cells     MB | slidepack s   MB/s  RSS MB | ogr2ogr s   MB/s  RSS MB |  ratio');
  let ok = true;
  for (const r of rows) {
    const a = r.mb / r.slidepack.seconds;
    const b = r.mb / r.ogr.seconds;
    console.log(
      `${String(r.cells).padStart(8)} ${fmt(r.mb)} | ${fmt(r.slidepack.seconds, 2)}    ${fmt(a)} ${fmt(r.slidepack.peakMb)}` +
        ` | ${fmt(r.ogr.seconds, 2)} ${fmt(b)} ${fmt(r.ogr.peakMb)} | ${fmt(a / b, 2)}x`,
    );
    if (a / b < 5 || r.slidepack.peakMb >= 300) ok = false;
  }
  const rss = rows.map((r) => r.slidepack.peakMb);
  const growth = Math.max(...rss) - Math.min(...rss);
  if (growth > 50) ok = false;
  console.log(
    `targets: throughput >= 5x ogr2ogr, peak RSS < 300 MB and flat (growth ${growth.toFixed(1)} MB, ` +
      `allowed 50 MB): ${ok ? 'met' : 'NOT met'}`,
  );
  return ok;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(args.splice(runsAt, 2)[1]) || 1) : 2;
  const sizes = args.map(Number).filter((n) => n > 0);
  const dir = await mkdtemp(join(tmpdir(), 'slidepack-bench-'));
  try {
    const rows: Row[] = [];
    for (const cells of sizes.length ? sizes : [50_000, 200_000]) {
      console.error(`generating ${cells} cells, then ${runs} run(s) of each tool...`);
      rows.push(await benchSize(dir, cells, runs));
    }
    if (!report(rows)) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
