import { posix } from 'node:path';
import { SLIDES_FOLDER } from './manifest.js';

/**
 * The release plan: what a release folder will contain, computed from the inputs alone. No
 * file is read or written here; `build.ts` applies the plan.
 */
export interface SourceSlide {
  /** Absolute path of the slide image (or one file of a multi-file slide). */
  source: string;
  /** Path below the slides folder, `/`-separated; keeps sub-folders of DICOM or MRXS slides. */
  relativePath: string;
  size: number;
  sha256: string;
}

export interface TargetFormat {
  id: string;
  /** Default file extension, with the dot. */
  extension: string;
  /** False for one-slide-per-file formats, which get a folder with one file per slide. */
  multiSlide: boolean;
}

export interface PlanInput {
  version: string;
  slides: SourceSlide[];
  /** Annotation files in any readable format; merged into one canonical set. */
  annotations: string[];
  /** Writable formats other than canonical. */
  formats: TargetFormat[];
  descriptor?: string;
  thumbnails: boolean;
  archive?: 'zip' | 'tar.gz';
}

/** One thing the build puts into the release; paths are relative to the release folder. */
export type ReleaseEntry =
  | { kind: 'slide'; source: string; path: string; size: number; sha256: string }
  | { kind: 'canonical'; sources: string[]; path: string }
  | {
      kind: 'annotations';
      format: string;
      from: string;
      path: string;
      folder: boolean;
      report: string;
    }
  | { kind: 'thumbnail'; slide: string; path: string }
  | { kind: 'splits'; from: string; path: string }
  | { kind: 'descriptor'; source: string; path: string }
  | { kind: 'documents'; folder: string }
  | { kind: 'archive'; type: 'zip' | 'tar.gz'; path: string };

export interface ReleasePlan {
  version: string;
  entries: ReleaseEntry[];
  /** Problems with the inputs; a plan with problems must not be applied. */
  problems: string[];
}

export const PAYLOAD = 'data';
export const CANONICAL_PATH = 'data/annotations/canonical/annotations.ndjson';

/** Plan a release from its inputs. */
export function planRelease(input: PlanInput): ReleasePlan {
  const problems = slideProblems(input.slides);
  if (input.annotations.length === 0) problems.push('no annotation files given');
  const entries: ReleaseEntry[] = input.slides.map((s) => ({
    kind: 'slide',
    source: s.source,
    path: `${SLIDES_FOLDER}${s.relativePath}`,
    size: s.size,
    sha256: s.sha256,
  }));

  entries.push({ kind: 'canonical', sources: input.annotations, path: CANONICAL_PATH });
  for (const format of input.formats) entries.push(formatEntry(format));
  entries.push({ kind: 'splits', from: CANONICAL_PATH, path: 'data/splits.csv' });
  if (input.thumbnails) entries.push(...thumbnailEntries(input.slides, problems));
  if (input.descriptor) {
    const name = posix.basename(input.descriptor.replaceAll('\\', '/'));
    entries.push({ kind: 'descriptor', source: input.descriptor, path: `data/${name}` });
  }
  entries.push({ kind: 'documents', folder: PAYLOAD });
  if (input.archive) {
    const path = `annotations-${input.version}.${input.archive}`;
    entries.push({ kind: 'archive', type: input.archive, path });
  }
  return { version: input.version, entries, problems };
}

function formatEntry(format: TargetFormat): ReleaseEntry {
  const folder = `data/annotations/${format.id}`;
  return {
    kind: 'annotations',
    format: format.id,
    from: CANONICAL_PATH,
    path: format.multiSlide ? `${folder}/annotations${format.extension}` : `${folder}/`,
    folder: !format.multiSlide,
    report: `${folder}/loss-report.json`,
  };
}

function slideProblems(slides: SourceSlide[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const slide of slides) {
    const parts = slide.relativePath.split('/');
    if (parts.includes('..') || slide.relativePath.startsWith('/') || parts.includes('')) {
      problems.push(`${slide.source}: slide path "${slide.relativePath}" leaves the slides folder`);
    }
    const key = slide.relativePath.toLowerCase();
    if (seen.has(key)) {
      problems.push(
        `${slide.source}: two slides named "${slide.relativePath}" (names ignore case)`,
      );
    }
    seen.add(key);
  }
  return problems;
}

/** One thumbnail per top-level slide file; files inside slide folders (DICOM) are skipped. */
function thumbnailEntries(slides: SourceSlide[], problems: string[]): ReleaseEntry[] {
  const used = new Map<string, string>();
  const entries: ReleaseEntry[] = [];
  for (const slide of slides) {
    if (slide.relativePath.includes('/')) continue;
    const stem = slide.relativePath.replace(/\.[^.]+$/, '') || slide.relativePath;
    const other = used.get(stem.toLowerCase());
    if (other) {
      problems.push(`slides "${other}" and "${slide.relativePath}" would share a thumbnail name`);
      continue;
    }
    used.set(stem.toLowerCase(), slide.relativePath);
    entries.push({ kind: 'thumbnail', slide: slide.source, path: `data/thumbnails/${stem}.png` });
  }
  return entries;
}
