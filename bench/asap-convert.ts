import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/util/random.js';
import { measure, row } from './measure.js';

/**
 * Throughput and peak memory of `slidepack convert <ASAP XML> --to canonical` (sax, streaming)
 * beside the alternative it was chosen over: parsing the same file with xml2js
 * (`parseStringPromise` on the whole text, as a DOM-building reader would), in a child process.
 *
 *   node dist/bench/asap-convert.js [megabytes]      (default: 100)
 *
 * Targets: peak RSS under 300 MB; faster than xml2js only parsing the file.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'bin', 'slidepack.js');

/** One CAMELYON-like polygon of 200 float32-looking vertices. */
function annotation(next: () => number, i: number): string {
  const cx = 10000 + (i % 300) * 300;
  const cy = 10000 + Math.floor(i / 300) * 300;
  const group = i % 10 === 0 ? '_2' : i % 2 ? '_0' : '_1';
  const head = `Name="Annotation ${i}" Type="Polygon" PartOfGroup="${group}" Color="#F4FA58"`;
  let text = `\t\t<Annotation ${head}>\n\t\t\t<Coordinates>\n`;
  for (let k = 0; k < 200; k++) {
    const a = (2 * Math.PI * k) / 200;
    const r = 100 * (0.8 + 0.4 * next());
    const x = Math.fround(cx + r * Math.cos(a)).toPrecision(9);
    const y = Math.fround(cy + r * Math.sin(a)).toPrecision(9);
    text += `\t\t\t\t<Coordinate Order="${k}" X="${Number(x)}" Y="${Number(y)}" />\n`;
  }
  return `${text}\t\t\t</Coordinates>\n\t\t</Annotation>\n`;
}

async function generate(path: string, megabytes: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const next = seededRandom(megabytes);
  out.write('<?xml version="1.0"?>\n<ASAP_Annotations>\n\t<Annotations>\n');
  let written = 0;
  for (let i = 0; written < megabytes * 1e6; i++) {
    const text = annotation(next, i);
    written += text.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.write('\t</Annotations>\n\t<AnnotationGroups>\n');
  for (const [name, color] of [
    ['_0', '#FF0000'],
    ['_1', '#FF0000'],
    ['_2', '#00FF00'],
  ]) {
    out.write(
      `\t\t<Group Name="${name}" PartOfGroup="None" Color="${color}">\n` +
        '\t\t\t<Attributes />\n\t\t</Group>\n',
    );
  }
  out.end('\t</AnnotationGroups>\n</ASAP_Annotations>\n');
  await once(out, 'finish');
}

const XML2JS = `
import { readFileSync } from 'node:fs';
import xml2js from 'xml2js';
const text = readFileSync(process.argv[1], 'utf8');
const doc = await xml2js.parseStringPromise(text);
const list = doc.ASAP_Annotations.Annotations[0].Annotation;
process.stderr.write(list.length + ' annotations\\n');
`;

async function main(): Promise<void> {
  const megabytes = Number(process.argv[2] ?? 100) || 100;
  const dir = await mkdtemp(join(tmpdir(), 'slidepack-bench-'));
  try {
    const input = join(dir, 'big.xml');
    console.error(`generating a ${megabytes} MB ASAP file...`);
    await generate(input, megabytes);
    const mb = (await stat(input)).size / 1e6;
    const output = join(dir, 'out.ndjson');
    const args = [CLI, 'convert', input, '--to', 'canonical', '-o', output, '--quiet'];
    const sax = await measure(process.execPath, args, ROOT);
    const holes = await measure(process.execPath, [...args, '--exclusion-group', '_2'], ROOT);
    const parse = await measure(
      process.execPath,
      ['--input-type=module', '-e', XML2JS, input],
      ROOT,
    );
    console.log(`input: ${mb.toFixed(1)} MB ASAP XML`);
    console.log(
      `${'run'.padEnd(34)} ${'seconds'.padStart(8)} ${'MB/s'.padStart(8)} ${'RSS MB'.padStart(8)}`,
    );
    console.log(row('slidepack convert (sax)', mb, sax));
    console.log(row('slidepack convert --exclusion-group', mb, holes));
    console.log(row('xml2js.parseStringPromise (parse)', mb, parse));
    const ok =
      !sax.failed &&
      sax.peakMb < 300 &&
      (parse.failed !== undefined || sax.seconds < parse.seconds);
    console.log(
      `targets: peak RSS < 300 MB and faster than xml2js parsing alone: ${ok ? 'met' : 'NOT met'}`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
