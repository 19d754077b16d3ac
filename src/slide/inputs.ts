import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { dicomFiles, readSlideInfo, type SlideInfo } from './info.js';

/**
 * Slide paths from command-line arguments: a folder whose files are all DICOM is one slide (a
 * DICOM series); any other folder is opened and each entry taken in turn.
 */
export async function expandSlidePaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) out.push(...(await expandOne(path)));
  return out;
}

/**
 * Headers of the slides named by command-line paths, keyed by file name, without hashing the
 * files. A slide that cannot be read is returned as a problem, and the others are still read.
 */
export async function readSlideInfos(paths: string[]): Promise<{
  slides: Map<string, SlideInfo>;
  problems: { path: string; message: string }[];
}> {
  const slides = new Map<string, SlideInfo>();
  const problems: { path: string; message: string }[] = [];
  for (const path of await expandSlidePaths(paths)) {
    try {
      const info = await readSlideInfo(path, { sha256: false });
      slides.set(info.file, info);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ path, message: error.message });
    }
  }
  return { slides, problems };
}

async function expandOne(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) return [path];
  const entries = (await readdir(path, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const files = entries.filter((e) => e.isFile());
  const dicom = await dicomFiles(path);
  if (dicom.length > 0 && dicom.length === files.length) return [path];
  const out: string[] = [];
  for (const entry of entries) out.push(...(await expandOne(join(path, entry.name))));
  return out;
}
