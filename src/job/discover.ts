import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import type { Converter } from '../converter.js';
import { detectFormat, readHead } from '../detect.js';
import { Messages } from '../messages.js';

/** What a dataset folder holds, sorted into slides, annotation files and the descriptor. */
export interface DatasetFolder {
  root: string;
  descriptor?: string;
  slides: string[];
  annotations: { path: string; converter: Converter }[];
  /** Files that are neither, with the reason, for the summary. */
  ignored: { path: string; reason: string }[];
  messages: Messages;
}

const DESCRIPTOR_NAMES = ['dataset.yaml', 'dataset.yml', 'dataset.json'];
const SLIDE_EXTENSIONS = new Set([
  '.svs',
  '.tif',
  '.tiff',
  '.ndpi',
  '.scn',
  '.bif',
  '.vms',
  '.mrxs',
  '.dcm',
  '.btf',
]);
/** Folders a data set keeps beside its data that are never inputs. */
const SKIPPED_FOLDERS = new Set(['releases', 'node_modules', '.git']);

/** Walk a dataset folder and sort what it finds; nothing is read beyond file heads. */
export async function discoverDataset(root: string): Promise<DatasetFolder> {
  const folder: DatasetFolder = {
    root,
    slides: [],
    annotations: [],
    ignored: [],
    messages: new Messages(),
  };
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    folder.messages.error('dataset/not-a-folder', 'is not a folder', { file: root });
    return folder;
  }
  for (const path of await listFiles(root)) await sortFile(folder, path);
  folder.slides.sort();
  folder.annotations.sort((a, b) => a.path.localeCompare(b.path));
  return folder;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name))
      files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

async function sortFile(folder: DatasetFolder, path: string): Promise<void> {
  const name = basename(path);
  if (relative(folder.root, path) === name && DESCRIPTOR_NAMES.includes(name)) {
    folder.descriptor = path;
    return;
  }
  const slide = await slideKind(path);
  if (slide === 'slide') {
    folder.slides.push(path);
    return;
  }
  if (slide === 'broken') {
    folder.messages.error(
      'dataset/broken-slide',
      'has a slide extension but no TIFF or DICOM header',
      {
        file: path,
      },
    );
    return;
  }
  const detection = await detectFormat(path).catch((error: Error) => {
    folder.messages.error('dataset/unreadable', error.message, { file: path });
    return undefined;
  });
  if (detection?.chosen) folder.annotations.push({ path, converter: detection.chosen });
  else if (detection)
    folder.ignored.push({ path, reason: 'not a slide or a known annotation format' });
}

/** A slide by its extension, confirmed by the TIFF or DICOM signature where there is one. */
async function slideKind(path: string): Promise<'slide' | 'broken' | 'other'> {
  const extension = extname(path).toLowerCase();
  if (!SLIDE_EXTENSIONS.has(extension)) return 'other';
  if (extension === '.mrxs' || extension === '.vms') return 'slide';
  const head = await readHead(path, 132).catch(() => Buffer.alloc(0));
  const order = head.toString('latin1', 0, 2);
  const tiff = order === 'II' || order === 'MM';
  const dicom = head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM';
  return tiff || dicom ? 'slide' : 'broken';
}
