import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { convert } from '../convert.js';
import { UsageError } from '../errors.js';
import { converters, findConverter } from '../formats.js';
import type { Logger } from '../log.js';
import type { Messages } from '../messages.js';
import type { Slide } from '../model/types.js';
import { sameSlide } from '../slide/match.js';
import type { ReleaseEntry, TargetFormat } from './plan.js';

/** What the build steps share: the temporary release folder and where to report. */
export interface StepContext {
  dir: string;
  logger: Logger;
  messages: Messages;
  skipped: { step: string; reason: string }[];
  /** Release paths of the slide files, to check the annotations' slide names against. */
  slideNames: string[];
  /** Slides known to be kept elsewhere: no warning when the release lacks their image. */
  externalSlides?: (slideId: string) => boolean;
}

/** Every registered format with a writer, except canonical (always written). */
export function writableFormats(only?: string[]): TargetFormat[] {
  for (const id of only ?? []) {
    if (!findConverter(id)?.createWriter) {
      throw new UsageError(`"${id}" is not a format slidepack can write; see slidepack formats`);
    }
  }
  return converters
    .filter((c) => c.createWriter && c.format.id !== 'canonical')
    .filter((c) => !only || only.includes(c.format.id))
    .map((c) => ({
      id: c.format.id,
      extension: c.format.extensions[0] ?? '',
      multiSlide: c.format.multiSlide,
    }));
}

type StepEntry = Exclude<ReleaseEntry, { kind: 'slide' | 'documents' | 'archive' }>;

export async function applyEntry(entry: StepEntry, context: StepContext): Promise<void> {
  switch (entry.kind) {
    case 'canonical':
      return writeCanonical(entry, context);
    case 'annotations':
      return writeFormat(entry, context);
    case 'splits':
      return writeSplits(entry, context);
    case 'thumbnail':
      return writeThumbnailEntry(entry, context);
    case 'descriptor':
      await mkdir(dirname(join(context.dir, entry.path)), { recursive: true });
      return copyFile(entry.source, join(context.dir, entry.path));
  }
}

/** All annotation inputs merged into one canonical file; any error in them stops the build. */
async function writeCanonical(
  entry: Extract<ReleaseEntry, { kind: 'canonical' }>,
  context: StepContext,
): Promise<void> {
  const output = join(context.dir, entry.path);
  await mkdir(dirname(output), { recursive: true });
  const result = await convert({
    inputs: entry.sources,
    to: 'canonical',
    output,
    messages: context.messages,
    logger: context.logger,
  });
  context.logger.info(`annotations: ${result.loss.objectsWritten} objects in canonical form`);
}

/**
 * One target format from the canonical file, with its loss report beside it. A format that
 * fails, or can hold none of the objects, is left out and named in the result.
 */
async function writeFormat(
  entry: Extract<ReleaseEntry, { kind: 'annotations' }>,
  context: StepContext,
): Promise<void> {
  const folder = dirname(join(context.dir, entry.report));
  await mkdir(folder, { recursive: true });
  try {
    const result = await convert({
      inputs: [join(context.dir, entry.from)],
      from: 'canonical',
      to: entry.format,
      output: join(context.dir, entry.path),
      logger: context.logger,
    });
    if (result.loss.objectsRead > 0 && result.loss.objectsWritten === 0) {
      throw new Error(`it can hold none of the ${result.loss.objectsRead} objects`);
    }
    await writeFile(join(context.dir, entry.report), `${JSON.stringify(result.loss, null, 2)}\n`);
    context.logger.info(`annotations/${entry.format}: ${result.loss.summary()}`);
  } catch (error) {
    if (isDiskError(error)) throw error;
    await rm(folder, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    context.skipped.push({ step: `annotations/${entry.format}`, reason });
    context.logger.warn(`annotations/${entry.format} left out: ${reason}`);
  }
}

/** splits.csv: one row per slide of the annotations, with split, patient and case. */
async function writeSplits(
  entry: Extract<ReleaseEntry, { kind: 'splits' }>,
  context: StepContext,
): Promise<void> {
  const slides = await readSlides(join(context.dir, entry.from), context);
  checkSlideFiles(slides, context);
  const rows = [['slide', 'name', 'split', 'patient', 'case']];
  for (const s of slides) rows.push([s.id, s.name, s.split ?? '', s.patient ?? '', s.case ?? '']);
  const text = rows.map((row) => row.map(csvCell).join(',')).join('\n');
  await writeFile(join(context.dir, entry.path), `${text}\n`);
}

/** Slide records of a canonical file, in file order. */
export async function readSlides(path: string, context: StepContext): Promise<Slide[]> {
  const reader = findConverter('canonical')!;
  const slides: Slide[] = [];
  const stream = reader.read!(
    { path },
    { messages: context.messages, logger: context.logger, options: {} },
  );
  for await (const record of stream) {
    // Merged inputs put each input's slides before its own objects, so read to the end.
    if (record.type === 'slide') slides.push(record);
  }
  return slides;
}

/** Warn about annotated slides whose image is not in the release, and the reverse. */
function checkSlideFiles(slides: Slide[], context: StepContext): void {
  // What a slide may be: a top-level file or folder (a DICOM or multi-file slide's folder).
  const entries = [...new Set(context.slideNames.map((p) => p.split('/')[2]!))];
  const annotated = new Set<string>();
  for (const slide of slides) {
    const entry = entries.find((e) => sameSlide(slide, e));
    if (entry) annotated.add(entry);
    if (!entry && !context.externalSlides?.(slide.id)) {
      const name = (slide.name || slide.id).split(/[\\/]/).pop()!;
      context.messages.warn(
        'release/slide-missing',
        `annotated slide "${slide.id}" has no image in the release`,
        { expected: `a file named ${name} (with or without its extension) in the slides folder` },
      );
    }
  }
  for (const path of context.slideNames) {
    const entry = path.split('/')[2]!;
    if (path.split('/').length === 3 && !annotated.has(entry)) {
      context.messages.info('release/slide-unannotated', `slide ${path} has no annotations`);
    }
  }
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

type WriteThumbnail = (
  slide: string,
  out: string,
  options?: { maxSize?: number },
) => Promise<unknown>;
let thumbnailer: WriteThumbnail | null | undefined;

/** The slide-thumbnail module when it is part of this build of slidepack. */
async function loadThumbnailer(): Promise<WriteThumbnail | null> {
  if (thumbnailer !== undefined) return thumbnailer;
  const path = '../slide/thumbnail.js';
  const module = (await import(path).catch(() => null)) as {
    writeThumbnail?: WriteThumbnail;
  } | null;
  thumbnailer = module?.writeThumbnail ?? null;
  return thumbnailer;
}

async function writeThumbnailEntry(
  entry: Extract<ReleaseEntry, { kind: 'thumbnail' }>,
  context: StepContext,
): Promise<void> {
  const write = await loadThumbnailer();
  if (!write) {
    context.skipped.push({
      step: entry.path,
      reason: 'thumbnails are not available in this build',
    });
    return;
  }
  const out = join(context.dir, entry.path);
  await mkdir(dirname(out), { recursive: true });
  try {
    await write(entry.slide, out, { maxSize: 512 });
  } catch (error) {
    if (isDiskError(error)) throw error;
    await rm(out, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    context.skipped.push({ step: entry.path, reason });
    context.logger.warn(`no thumbnail for ${entry.slide}: ${reason}`);
  }
}

function isDiskError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
