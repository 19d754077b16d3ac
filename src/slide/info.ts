import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { isDicomHeader, readDicom } from './dicom.js';
import { interpretDicom } from './dicom-slide.js';
import { interpretTiff, type TiffSlide } from './tiff-slide.js';
import { isTiffHeader, readTiff } from './tiff.js';

/** Where an image is stored: a TIFF directory (or one of its SubIFDs), or a DICOM file. */
export interface ImageSource {
  ifd?: number;
  subIfd?: number;
  file?: string;
}

/** One pyramid level; `stored: false` marks a level the reader derives by scaled decoding. */
export interface SlideLevel {
  width: number;
  height: number;
  downsample: number;
  tileWidth?: number;
  tileHeight?: number;
  stored?: boolean;
  source?: ImageSource;
}

/** A label, macro, thumbnail or map image stored beside the pyramid. */
export interface AssociatedImage {
  kind: 'label' | 'macro' | 'thumbnail' | 'map';
  width: number;
  height: number;
  /** Labels and macros show the glass slide's label: names, barcodes, case numbers. */
  mayIdentifyPatient?: boolean;
  source?: ImageSource;
}

/** What `slide info` reports about one slide, read from its headers only. */
export interface SlideInfo {
  path: string;
  file: string;
  format: 'aperio-svs' | 'hamamatsu-ndpi' | 'ome-tiff' | 'generic-tiff' | 'dicom';
  width: number;
  height: number;
  levels: SlideLevel[];
  compression: string;
  mpp?: { x: number; y: number };
  objectivePower?: number;
  vendor?: string;
  scanner?: string;
  associatedImages: AssociatedImage[];
  /**
   * SHA-256 of the file; for a DICOM folder, of the list of its files' SHA-256 and names.
   * Empty when the caller asked to skip it (`sha256: false`).
   */
  sha256: string;
  /** SHA-256 of the size and the first and last 64 KiB: cheap to recompute on huge files. */
  headerFingerprint: string;
  bigTiff?: boolean;
  properties?: Record<string, string>;
}

const HEAD = 64 * 1024;

export interface ReadSlideOptions {
  /** Hash the whole file (default true); checks that only need sizes can skip it. */
  sha256?: boolean;
}

/** Read a slide's metadata from its headers, without decoding any pixels. */
export async function readSlideInfo(
  path: string,
  options: ReadSlideOptions = {},
): Promise<SlideInfo> {
  const hash = options.sha256 ?? true;
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError('cannot read the slide (no such file or folder)', path);
  if (info.isDirectory()) return readDicomFolder(path, hash);
  const head = await readBytes(path, 0, 512);
  const slide = isTiffHeader(head)
    ? await readTiffSlide(path)
    : isDicomHeader(head)
      ? interpretDicom([await readDicom(path)], path)
      : notASlide(head, path);
  return {
    path,
    file: basename(path),
    ...slide,
    sha256: hash ? await sha256File(path) : '',
    headerFingerprint: await headerFingerprint([path]),
  };
}

async function readTiffSlide(path: string): Promise<TiffSlide> {
  const handle = await open(path, 'r');
  try {
    return interpretTiff(await readTiff(handle, path), path);
  } finally {
    await handle.close();
  }
}

/** Name what the file is instead, when it is a common image format. */
function notASlide(head: Buffer, path: string): never {
  const kinds: [number[], string][] = [
    [[0xff, 0xd8, 0xff], 'a JPEG image'],
    [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
    [[0x42, 0x4d], 'a BMP image'],
    [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive'],
  ];
  const found = kinds.find(([magic]) => magic.every((b, i) => head[i] === b));
  if (head.length === 0) throw new InputError('the file is empty', path);
  const what = found ? `${found[1]}, not a slide` : 'not a slide slidepack can read';
  throw new InputError(
    `${what} (expected a TIFF, BigTIFF or DICOM header; the file starts with ` +
      `${head.subarray(0, 4).toString('hex')})`,
    path,
  );
}

/** A folder of DICOM instances: the series with the largest image. */
async function readDicomFolder(path: string, hash: boolean): Promise<SlideInfo> {
  const files = await dicomFiles(path);
  if (files.length === 0) throw new InputError('the folder holds no DICOM files', path);
  const instances = await Promise.all(files.map((f) => readDicom(f)));
  const series = new Map<string, typeof instances>();
  for (const instance of instances) {
    const uid = String(instance.values.get('0020,000E') ?? '');
    series.set(uid, [...(series.get(uid) ?? []), instance]);
  }
  // LIMITATION: a folder holding several series is read as its largest series only.
  const largest = [...series.values()].sort((a, b) => largestSize(b) - largestSize(a))[0]!;
  const used = largest.map((i) => i.path).sort();
  return {
    path,
    file: basename(path),
    ...interpretDicom(largest, path),
    sha256: hash ? await manifestSha256(used) : '',
    headerFingerprint: await headerFingerprint(used),
  };
}

function largestSize(instances: { size: number }[]): number {
  return Math.max(...instances.map((i) => i.size));
}

/** Regular files of a folder that carry the DICM marker; other files are ignored. */
export async function dicomFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const file = join(folder, entry.name);
    if (isDicomHeader(await readBytes(file, 0, 132))) out.push(file);
  }
  return out;
}

async function readBytes(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function manifestSha256(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${await sha256File(file)}  ${basename(file)}\n`);
  return hash.digest('hex');
}

/** SHA-256 over each file's size, first 64 KiB and last 64 KiB. */
export async function headerFingerprint(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    const { size } = await stat(file);
    hash.update(`${size}\n`);
    hash.update(await readBytes(file, 0, HEAD));
    hash.update(await readBytes(file, Math.max(0, size - HEAD), HEAD));
  }
  return hash.digest('hex');
}
