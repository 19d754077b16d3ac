import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure as measureIn, row } from './measure.js';

/**
 * Peak memory and time of `slidepack convert <COCO> --to coco` and `--to canonical` on a large
 * generated COCO file (MIDOG++-like images, polygons and per-expert labels), beside Python's
 * `json.load` of the same file, the way most COCO tools (pycocotools) read it.
 *
 *   npm run bench:coco [-- megabytes]      (default: 300)
 *
 * Targets: peak RSS under 300 MB whatever the file size; time within 3× of json.load alone.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'bin', 'slidepack.js');
const IMAGES = 500;
const measure = (command: string, args: string[]) => measureIn(command, args, ROOT);

function annotation(i: number): string {
  const cx = 100 + ((i * 7919) % 7000);
  const cy = 100 + ((i * 104729) % 5200);
  const ring: number[] = [];
  for (let k = 0; k < 16; k++) {
    const a = (2 * Math.PI * k) / 16;
    ring.push(Math.round((cx + 20 * Math.cos(a)) * 100) / 100);
    ring.push(Math.round((cy + 20 * Math.sin(a)) * 100) / 100);
  }
  const category = 1 + (i % 2);
  return JSON.stringify({
    id: i + 1,
    image_id: 1 + (i % IMAGES),
    category_id: category,
    bbox: [cx - 20, cy - 20, 40, 40],
    segmentation: [ring],
    area: 1250,
    iscrowd: 0,
    labels: [category, category, 1],
  });
}

async function generate(path: string, megabytes: number): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const images = Array.from({ length: IMAGES }, (_, i) => ({
    id: i + 1,
    file_name: `${String(i + 1).padStart(3, '0')}.tiff`,
    width: 7215,
    height: 5412,
    tumor_type: i % 2 ? 'canine lymphoma' : 'human breast cancer',
  }));
  const categories = [
    { id: 1, name: 'mitotic figure' },
    { id: 2, name: 'not mitotic figure' },
  ];
  out.write(`{"info": {"description": "bench"}, "images": ${JSON.stringify(images)},\n`);
  out.write(`"categories": ${JSON.stringify(categories)},\n"annotations": [\n`);
  let written = 0;
  let i = 0;
  for (; written < megabytes * 1e6; i++) {
    const text = `${i ? ',\n' : ''}${annotation(i)}`;
    written += text.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end('\n]}\n');
  await once(out, 'finish');
  return i;
}

async function main(): Promise<void> {
  const megabytes = Number(process.argv[2] ?? 300) || 300;
  const dir = await mkdtemp(join(tmpdir(), 'slidepack-bench-'));
  try {
    const input = join(dir, 'big.json');
    console.error(`generating a ${megabytes} MB COCO file...`);
    const count = await generate(input, megabytes);
    const mb = (await stat(input)).size / 1e6;
    const convert = (to: string, out: string) =>
      measure(process.execPath, [CLI, 'convert', input, '--to', to, '-o', join(dir, out), '-q']);
    const toCoco = await convert('coco', 'out.json');
    const toCanonical = await convert('canonical', 'out.ndjson');
    const peer = await measure('python3', [
      '-c',
      'import json,sys; json.load(open(sys.argv[1]))',
      input,
    ]);
    console.log(`input: ${mb.toFixed(1)} MB COCO JSON, ${count} annotations`);
    console.log(
      `${'run'.padEnd(34)} ${'seconds'.padStart(8)} ${'MB/s'.padStart(8)} ${'RSS MB'.padStart(8)}`,
    );
    console.log(row('slidepack convert --to coco', mb, toCoco));
    console.log(row('slidepack convert --to canonical', mb, toCanonical));
    console.log(row('python3 json.load (parse only)', mb, peer));
    const ratio = toCoco.seconds / peer.seconds;
    const memory = peer.peakMb / toCoco.peakMb;
    console.log(
      `time ratio slidepack/json.load: ${ratio.toFixed(2)}; memory json.load/slidepack: ${memory.toFixed(1)}`,
    );
    const ok =
      !toCoco.failed &&
      !toCanonical.failed &&
      toCoco.peakMb < 300 &&
      toCanonical.peakMb < 300 &&
      ratio <= 3;
    console.log(
      `targets: peak RSS < 300 MB and time within 3× of json.load: ${ok ? 'met' : 'NOT met'}`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
