import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createStatements,
  triggerStatements,
  USER_VERSION,
} from '../converters/sliderunner-sqlite/schema.js';
import { INSERT, WRITE_PRAGMAS } from '../converters/sliderunner-sqlite/tables.js';
import { toSlideRunner } from '../converters/sliderunner-sqlite/write.js';
import { silentLogger } from '../src/log.js';
import { LossReport } from '../src/loss.js';
import { Messages } from '../src/messages.js';
import type { AnnotationObject, CanonicalRecord } from '../src/model/types.js';

/**
 * Write N spot annotations with two labels each (MIDOG's shape, scaled up) to a new SlideRunner
 * database with slidepack's writer, then have Python's sqlite3.executemany write the same rows
 * with the same schema, statements and pragmas, and print rows per second for both.
 *
 * The two run in turn RUNS times and the medians are compared, because a shared machine's load
 * changes from one run to the next.
 *
 * usage: node dist/bench/sliderunner-write.js [annotations=1000000] [runs=3]
 */
const COUNT = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const SLIDES = Array.from({ length: 200 }, (_, i) => `${String(i + 1).padStart(3, '0')}.tiff`);
const CLASSES = ['mitotic figure', 'not mitotic figure'];
const PEER = resolve(import.meta.dirname, '..', '..', 'bench', 'sliderunner_write_peer.py');

function* dictionaries(): Generator<CanonicalRecord> {
  yield { type: 'dataset', schema: 'slidepack.canonical/1', sources: [] };
  for (const id of SLIDES) {
    yield {
      type: 'slide',
      id,
      name: id,
      frame: { origin: 'full-frame', pixelConvention: 'unknown' },
    };
  }
  const colors = ['#fc7ca7', '#c5b6b2'];
  for (const [i, name] of CLASSES.entries()) {
    const color = {
      rgba: [0, 0, 0, 1] as [number, number, number, number],
      source: { form: 'hex' as const, value: colors[i]! },
    };
    yield { type: 'class', id: name, name, path: [name], color };
  }
  for (const name of ['expert 1', 'expert 2'])
    yield { type: 'annotator', id: name, name, kind: 'person' };
}

/** The same values the Python peer writes, row for row. */
function spot(i: number): AnnotationObject {
  const cls = (k: number) => CLASSES[(i + k) % 2]!;
  return {
    type: 'object',
    id: String(i + 1),
    slide: SLIDES[i % SLIDES.length]!,
    kind: 'annotation',
    geometry: { type: 'point', coordinates: [i % 100_000, Math.floor(i / 100_000)] },
    class: CLASSES[i % 2]!,
    labels: [
      { annotator: 'expert 1', class: cls(0) },
      { annotator: 'expert 2', class: cls(1) },
    ],
  };
}

async function slidepack(path: string): Promise<number> {
  const context = {
    messages: new Messages(),
    logger: silentLogger,
    options: {},
    loss: new LossReport('sliderunner-sqlite'),
  };
  const started = process.hrtime.bigint();
  const writer = await toSlideRunner({ path }, context);
  for (const record of dictionaries()) await writer.write(record);
  for (let i = 0; i < COUNT; i++) await writer.write(spot(i));
  await writer.end();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function python(dir: string, path: string): number {
  const statements = {
    pragmas: WRITE_PRAGMAS,
    create: createStatements(Date.now() / 1000),
    triggers: triggerStatements(),
    version: `PRAGMA user_version = ${USER_VERSION}`,
    slides: SLIDES,
    ...INSERT,
  };
  const file = join(dir, 'statements.json');
  writeFileSync(file, JSON.stringify(statements));
  const run = spawnSync('python3', [PEER, file, path, String(COUNT)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python peer failed: ${run.stderr}`);
  return JSON.parse(run.stdout).seconds as number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slidepack-bench-'));
  try {
    const rows = COUNT * 4;
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(await slidepack(join(dir, 'slidepack.sqlite')));
      theirs.push(python(dir, join(dir, 'python.sqlite')));
    }
    const size = (name: string) => (statSync(join(dir, name)).size / 2 ** 20).toFixed(1);
    const rate = (s: number) => Math.round(rows / s).toLocaleString('en-US');
    const line = (who: string, times: number[], file: string) =>
      `${who}: median ${median(times).toFixed(2)} s of ${times.map((t) => t.toFixed(2)).join(', ')}; ` +
      `${rate(median(times))} rows/s; ${size(file)} MiB`;
    console.log(
      `${COUNT.toLocaleString('en-US')} spot annotations, 2 labels each: ${rows.toLocaleString('en-US')} rows, ${RUNS} runs each`,
    );
    console.log(line('slidepack (better-sqlite3)', ours, 'slidepack.sqlite'));
    console.log(line('python3 sqlite3.executemany', theirs, 'python.sqlite'));
    console.log(
      `ratio (slidepack / python rows per second): ${(median(theirs) / median(ours)).toFixed(2)}`,
    );
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
