import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ConvertContext, Converter } from '../converter.js';
import { mergeInputs, slideForFile } from '../convert.js';
import { requireFormat } from '../detect.js';
import { InputError } from '../errors.js';
import { findConverter } from '../formats.js';
import { silentLogger } from '../log.js';
import type { Messages } from '../messages.js';
import { type AnnotationSet, collect } from '../model/collect.js';
import { readSlideInfo, type SlideInfo } from '../slide/info.js';
import { spdxFromText } from './license.js';
import type { LoadedDescriptor } from './load.js';
import type { AnnotationFileEntry } from './types.js';

/** A license found inside an annotation file (a COCO `licenses` block, a header field). */
export interface DataLicense {
  spdx: string;
  file: string;
  /** Where in the file's metadata, e.g. `coco.licenses[0]`. */
  place: string;
  text: string;
}

/** Everything the descriptor points at, read: annotation set, slide headers, licenses. */
export interface DatasetInputs {
  set: AnnotationSet;
  slides: Map<string, SlideInfo>;
  annotationFiles: { path: string; format: string; copyOf?: string }[];
  slideFiles: string[];
  dataLicenses: DataLicense[];
}

/** Read the annotation files and slide headers a descriptor lists; problems go to messages. */
export async function readDatasetInputs(
  loaded: LoadedDescriptor,
  messages: Messages,
): Promise<DatasetInputs> {
  const entries = (loaded.data.files?.annotations ?? []).map(normalize);
  const context: ConvertContext = { messages, logger: silentLogger, options: {} };
  const annotationFiles: DatasetInputs['annotationFiles'] = [];
  const primary: { converter: Converter; path: string }[] = [];
  const copies: { entry: AnnotationFileEntry; converter: Converter; path: string }[] = [];
  for (const entry of entries) {
    const path = resolve(loaded.dir, entry.path);
    const converter = await converterFor(entry, path);
    annotationFiles.push({
      path,
      format: converter.format.id,
      ...(entry.same_objects_as ? { copyOf: entry.same_objects_as } : {}),
    });
    if (entry.same_objects_as) copies.push({ entry, converter, path });
    else primary.push({ converter, path });
  }
  const slideFiles = await listSlideFiles(loaded);
  const slideNames = slideFiles.map((path) => basename(path));
  const set = await readSet(primary, context, slideNames);
  const dataLicenses = findLicenses(
    set,
    primary.map((p) => p.path),
  );
  for (const copy of copies) {
    const copySet = await readSet([copy], context, slideNames);
    dataLicenses.push(...findLicenses(copySet, [copy.path]));
    // Compared with the one file it copies, not with everything else the descriptor lists.
    const original = primary.find(
      (p) => p.path === resolve(loaded.dir, copy.entry.same_objects_as!),
    );
    const originalSet =
      original && primary.length > 1 ? await readSet([original], context, slideNames) : set;
    compareCopy(originalSet, copySet, copy.entry, loaded, messages);
  }
  const slides = await readSlides(slideFiles, messages);
  return { set, slides, annotationFiles, slideFiles, dataLicenses };
}

function normalize(entry: string | AnnotationFileEntry): AnnotationFileEntry {
  return typeof entry === 'string' ? { path: entry } : entry;
}

async function converterFor(entry: AnnotationFileEntry, path: string): Promise<Converter> {
  if (!entry.format) return requireFormat(path);
  const converter = findConverter(entry.format);
  if (!converter?.read) throw new InputError(`unknown annotation format "${entry.format}"`, path);
  return converter;
}

/**
 * Read and merge annotation files through the converter registry into one set. A file of a
 * one-slide-per-file format is bound to the slide file of the same name, when there is one.
 */
export async function readSet(
  inputs: { converter: Converter; path: string }[],
  context: ConvertContext,
  slideNames: string[] = [],
): Promise<AnnotationSet> {
  const readers = inputs.map(({ converter, path }) => {
    const slide = converter.format.multiSlide ? undefined : slideForFile(path, slideNames);
    return {
      converter,
      path,
      stream: converter.read!(slide ? { path, slide } : { path }, context),
    };
  });
  return collect(mergeInputs(readers, { inputs: inputs.map((i) => i.path) }, context));
}

/**
 * Licenses an annotation file states about itself. Converters keep unknown source members in
 * `extras`; any member named like "license(s)" in the dataset header's extras, or in a slide's,
 * is read as a URL or name and mapped to an SPDX id.
 */
export function findLicenses(set: AnnotationSet, files: string[]): DataLicense[] {
  const found = new Map<string, DataLicense>();
  const file = files.length === 1 ? files[0]! : files.join(', ');
  const visit = (value: unknown, place: string, depth: number, underLicense: boolean) => {
    if (depth > 5 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      const spdx = underLicense ? spdxFromText(value) : undefined;
      if (spdx && !found.has(spdx)) found.set(spdx, { spdx, file, place, text: value });
      return;
    }
    if (typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const at = Array.isArray(value) ? `${place}[${key}]` : place ? `${place}.${key}` : key;
      visit(child, at, depth + 1, underLicense || /licen[cs]e/i.test(key));
    }
  };
  visit(set.dataset?.extras, '', 0, false);
  for (const slide of set.slides.values()) visit(slide.extras, `slide ${slide.id}`, 0, false);
  return [...found.values()];
}

/** A file declared to hold the same objects in another format must agree on counts. */
function compareCopy(
  set: AnnotationSet,
  copy: AnnotationSet,
  entry: AnnotationFileEntry,
  loaded: LoadedDescriptor,
  messages: Messages,
): void {
  const count = (s: AnnotationSet) => {
    const byClass = new Map<string, number>();
    for (const o of s.objects) byClass.set(o.class ?? '', (byClass.get(o.class ?? '') ?? 0) + 1);
    return byClass;
  };
  const a = count(set);
  const b = count(copy);
  const differ = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
  if (set.objects.length === copy.objects.length && differ.length === 0) return;
  messages.warn(
    'files/copy-differs',
    `${entry.path} is declared to hold the same objects as ${entry.same_objects_as}, ` +
      `but holds ${copy.objects.length} objects against ${set.objects.length}` +
      (differ.length ? ` (classes differ: ${differ.slice(0, 3).join(', ')})` : ''),
    {
      file: loaded.path,
      place: 'files.annotations',
    },
  );
}

const SLIDE_EXTENSIONS = /\.(svs|tiff?|ndpi|scn|bif|vms|mrxs|dcm|btf)$/i;

async function listSlideFiles(loaded: LoadedDescriptor): Promise<string[]> {
  const spec = loaded.data.files?.slides;
  if (spec === undefined) return [];
  if (Array.isArray(spec)) return spec.map((p) => resolve(loaded.dir, p));
  const folder = resolve(loaded.dir, spec);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new InputError('files.slides: not a folder', folder);
  const names = (await readdir(folder)).filter(
    (n) => SLIDE_EXTENSIONS.test(n) && !n.startsWith('.'),
  );
  return names.sort().map((n) => join(folder, n));
}

/** Slide headers keyed by slide id (the file name, as annotation files name slides). */
export async function readSlides(
  paths: string[],
  messages: Messages,
): Promise<Map<string, SlideInfo>> {
  const slides = new Map<string, SlideInfo>();
  for (const path of paths) {
    try {
      slides.set(basename(path), await readSlideInfo(path));
    } catch (error) {
      messages.error('slides/unreadable', withoutFile(error as Error, path), { file: path });
    }
  }
  return slides;
}

/** An error's text without the file name in front, for a message that names the file itself. */
function withoutFile(error: Error, path: string): string {
  const prefix = error instanceof InputError && error.file === path ? `${path}: ` : '';
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
