/**
 * Makes the bundled example data set in `examples/dataset/`: five small synthetic pyramidal
 * TIFF slides that look a little like H&E tissue, annotations for them in every format slidepack
 * reads (one format per slide, as labs mix tools), and a filled-in descriptor. Everything is
 * drawn from a fixed seed, so the data set is the same on every machine.
 *
 * Usage: node dist/examples/make-example.js [folder]
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { findConverter } from '../src/formats.js';
import { packageRoot } from '../src/io/paths.js';
import { silentLogger } from '../src/log.js';
import { LossReport } from '../src/loss.js';
import { Messages } from '../src/messages.js';
import type { CanonicalRecord } from '../src/model/types.js';
import { exampleSlides, recordsFor, type ExampleSlide } from './example-data.js';

/** Microns per pixel of the example slides (a 20x scan). */
const MPP = 0.5;

/** The example's release date: times written into its files, so every run writes the same. */
const RELEASE_DATE = Date.UTC(2026, 11, 1) / 1000;

async function main(): Promise<void> {
  process.env.SOURCE_DATE_EPOCH ??= String(RELEASE_DATE);
  const folder = resolve(process.argv[2] ?? join(packageRoot(), 'examples', 'dataset'));
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, 'slides'), { recursive: true });
  await mkdir(join(folder, 'annotations'), { recursive: true });

  for (const slide of exampleSlides) {
    await drawSlide(slide, join(folder, 'slides', slide.file));
    await writeAnnotations(slide, join(folder, 'annotations', slide.annotationFile));
  }
  await copyFile(join(packageRoot(), 'examples', 'dataset.yaml'), join(folder, 'dataset.yaml'));
  process.stderr.write(`example data set written to ${folder}\n`);
}

/** A pink background with purple nuclei, denser inside the tumour regions. */
async function drawSlide(slide: ExampleSlide, path: string): Promise<void> {
  const svg = slideSvg(slide);
  await sharp(Buffer.from(svg))
    .tiff({
      tile: true,
      tileWidth: 256,
      tileHeight: 256,
      pyramid: true,
      compression: 'jpeg',
      quality: 85,
      // sharp takes pixels per millimetre.
      xres: 1000 / MPP,
      yres: 1000 / MPP,
    })
    .toFile(path);
}

function slideSvg(slide: ExampleSlide): string {
  const shapes = slide.nuclei
    .map(([x, y, r]) => `<circle cx="${x}" cy="${y}" r="${r}" fill="#5b2a86" fill-opacity="0.8"/>`)
    .join('');
  const tissue = slide.tissue
    .map((ring) => `<polygon points="${ring.map((p) => p.join(',')).join(' ')}" fill="#e7a3c8"/>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${slide.width}" height="${slide.height}">` +
    `<rect width="100%" height="100%" fill="#f7f1f4"/>${tissue}${shapes}</svg>`
  );
}

/** Write one slide's annotations with slidepack's own writer for the slide's format. */
async function writeAnnotations(slide: ExampleSlide, path: string): Promise<void> {
  const converter = findConverter(slide.format);
  if (!converter?.createWriter) throw new Error(`format ${slide.format} cannot be written`);
  const context = {
    messages: new Messages(),
    logger: silentLogger,
    options: {},
    loss: new LossReport(slide.format),
  };
  const writer = await converter.createWriter({ path }, context);
  const records: CanonicalRecord[] = recordsFor(slide, MPP);
  for (const record of records) await writer.write(record);
  await writer.end();
}

await main();
