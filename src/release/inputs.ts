import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import type { SourceSlide } from './plan.js';

/** Notes that often sit beside slides and are never part of one. */
const DOCUMENT = /\.(md|txt|pdf|csv|ya?ml|html?|log|docx?)$/i;

/**
 * The slide files of a release: every file below the slides folder (sub-folders kept, for
 * DICOM or MRXS slides made of many files), with size and SHA-256. Hidden files and documents
 * (README, notes, spreadsheets) are skipped.
 */
export async function scanSlides(dir: string): Promise<SourceSlide[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new InputError('expected a folder of slide images', dir);
  const files = (await listFiles(dir)).filter((file) => !DOCUMENT.test(file));
  const slides: SourceSlide[] = [];
  for (const file of files) {
    const { size } = await stat(file);
    const relativePath = relative(dir, file).split(sep).join('/');
    slides.push({ source: file, relativePath, size, sha256: await sha256File(file) });
  }
  return slides;
}

/** Every regular file below a folder, in a stable order, hidden entries skipped. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
