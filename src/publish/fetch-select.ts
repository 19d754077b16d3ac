import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { Logger } from '../log.js';
import { type ManifestFile, SLIDES_FOLDER } from '../release/manifest.js';
import { keyFor } from './layout.js';
import type { RemoteRelease } from './remote.js';

/** What `fetch` was asked for: splits, annotation formats, slides; each empty means all. */
export interface FetchFilters {
  splits?: string[];
  formats?: string[];
  slides?: string[];
  noSlides?: boolean;
}

const SPLITS_PATH = 'data/splits.csv';
const ANNOTATION = /^data\/annotations\/([^/]+)\/(.+)$/;

/**
 * Slide file names (lower case) to fetch, or undefined for all of them. A filter that matches
 * nothing in the release is an error naming what the release has, so a typo never passes as
 * an empty (or full) download.
 */
export async function selectSlides(
  remote: RemoteRelease,
  filters: FetchFilters,
): Promise<Set<string> | undefined> {
  checkFormats(remote, filters.formats);
  checkSlides(remote, filters.slides);
  if (!filters.splits?.length && !filters.slides?.length) return undefined;
  const names = new Set((filters.slides ?? []).map((s) => s.toLowerCase()));
  if (filters.splits?.length) {
    for (const name of await slidesOfSplits(remote, filters.splits)) names.add(name);
  }
  return names;
}

/** Whether one file of the release belongs in the download. */
export function wanted(
  file: ManifestFile,
  slides: Set<string> | undefined,
  filters: FetchFilters,
): boolean {
  const name = file.path.split('/').pop()!.toLowerCase();
  const stem = name.replace(/\.[^.]+$/, '');
  const inSlides =
    !slides || slides.has(name) || [...slides].some((s) => s.replace(/\.[^.]+$/, '') === stem);
  if (file.path.startsWith(SLIDES_FOLDER)) return !filters.noSlides && inSlides;
  if (file.path.startsWith('data/thumbnails/')) return inSlides;
  const m = ANNOTATION.exec(file.path);
  if (!m) return true;
  if (filters.formats?.length && !filters.formats.includes(m[1]!)) return false;
  return !isPerSlide(m[2]!) || inSlides;
}

/** Annotation files holding every slide are fetched whole: say so rather than silently. */
export function warnWholeFiles(chosen: ManifestFile[], filters: FetchFilters, logger: Logger) {
  if (!filters.splits?.length && !filters.slides?.length) return;
  const wanted = filters.splits?.length ? "the wanted split's slides" : 'the wanted slides';
  for (const file of chosen) {
    const m = ANNOTATION.exec(file.path);
    if (!m || isPerSlide(m[2]!) || m[2] === 'loss-report.json') continue;
    logger.warn(
      `${m[1]}/${m[2]} holds the annotations of every slide and is fetched whole; ` +
        `keep those of ${wanted} yourself`,
    );
  }
}

/** One-slide-per-file formats name each file after its slide. */
function isPerSlide(name: string): boolean {
  return !name.startsWith('annotations.') && name !== 'loss-report.json';
}

function formatsOf(remote: RemoteRelease): string[] {
  const found = new Set<string>();
  for (const f of remote.manifest.files) {
    const m = ANNOTATION.exec(f.path);
    if (m) found.add(m[1]!);
  }
  return [...found].sort();
}

function checkFormats(remote: RemoteRelease, formats: string[] | undefined): void {
  const available = formatsOf(remote);
  const unknown = (formats ?? []).filter((f) => !available.includes(f));
  if (!unknown.length) return;
  throw new InputError(
    `--format ${unknown.join(',')}: release ${remote.version} has no annotations in ` +
      `${unknown.length > 1 ? 'these formats' : 'this format'}; it has: ` +
      (available.join(', ') || 'none'),
  );
}

/** Slide names a `--slides` value may give: slide files, else per-slide annotation files. */
function slideNamesOf(remote: RemoteRelease): string[] {
  const slides = remote.manifest.files.filter((f) => f.path.startsWith(SLIDES_FOLDER));
  if (slides.length) return slides.map((f) => f.path.slice(SLIDES_FOLDER.length)).sort();
  const stems = new Set<string>();
  for (const f of remote.manifest.files) {
    const m = ANNOTATION.exec(f.path);
    if (m && isPerSlide(m[2]!)) stems.add(m[2]!.replace(/\.[^.]+$/, ''));
  }
  return [...stems].sort();
}

function checkSlides(remote: RemoteRelease, slides: string[] | undefined): void {
  if (!slides?.length) return;
  const available = slideNamesOf(remote);
  const known = new Set(available.flatMap((n) => [n.toLowerCase(), stemOf(n)]));
  const unknown = slides.filter((s) => !known.has(s.toLowerCase()) && !known.has(stemOf(s)));
  if (!unknown.length) return;
  throw new InputError(
    `--slides ${unknown.join(',')}: no such slide in release ${remote.version}; ` +
      `its slides: ${listed(available)}`,
  );
}

function stemOf(name: string): string {
  return name.toLowerCase().replace(/\.[^.]+$/, '');
}

/** At most 20 names, so a release of thousands of slides does not flood the terminal. */
function listed(names: string[]): string {
  if (!names.length) return 'none';
  const more = names.length > 20 ? ` and ${names.length - 20} more` : '';
  return names.slice(0, 20).join(', ') + more;
}

/** Slide names (lower case) whose splits.csv row names one of `splits`. */
async function slidesOfSplits(remote: RemoteRelease, splits: string[]): Promise<string[]> {
  const table = await readSplits(remote, splits);
  const header = table.shift() ?? [];
  const [idCol, nameCol, splitCol] = ['slide', 'name', 'split'].map((c) => header.indexOf(c));
  const available = new Set(table.map((row) => row[splitCol!] ?? '').filter(Boolean));
  const unknown = splits.filter((s) => !available.has(s));
  if (!available.size) {
    throw new InputError(
      `--split ${splits.join(',')}: release ${remote.version} has no splits ` +
        '(splits.csv assigns no slide to a split)',
    );
  }
  if (unknown.length) {
    throw new InputError(
      `--split ${unknown.join(',')}: release ${remote.version} has no slide in ` +
        `${unknown.length > 1 ? 'these splits' : 'this split'}; its splits: ` +
        listed([...available].sort()),
    );
  }
  const names: string[] = [];
  for (const row of table.filter((r) => splits.includes(r[splitCol!] ?? ''))) {
    names.push((row[nameCol!] || row[idCol!] || '').split(/[\\/]/).pop()!.toLowerCase());
    names.push((row[idCol!] ?? '').toLowerCase());
  }
  return names;
}

async function readSplits(remote: RemoteRelease, splits: string[]): Promise<string[][]> {
  const file = remote.manifest.files.find((f) => f.path === SPLITS_PATH);
  if (!file) {
    throw new InputError(
      `--split ${splits.join(',')}: release ${remote.version} has no splits (no ${SPLITS_PATH})`,
    );
  }
  const found = await remote.store.read(keyFor(remote.version, file));
  const sha = found && createHash('sha256').update(found.body).digest('hex');
  if (!found || sha !== file.sha256) {
    throw new InputError(`missing from the store or not matching the manifest`, SPLITS_PATH);
  }
  return parseCsv(found.body.toString('utf8'));
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    rows[rows.length - 1]!.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted || (c !== ',' && c !== '\n' && c !== '\r')) cell += c;
    else if (c === ',') endCell();
    else if (c === '\n') {
      endCell();
      rows.push([]);
    }
  }
  if (cell || rows[rows.length - 1]!.length) endCell();
  return rows.filter((row) => row.length > 0);
}
