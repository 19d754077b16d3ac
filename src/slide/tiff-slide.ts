import { InputError } from '../errors.js';
import type { AssociatedImage, ImageSource, SlideInfo, SlideLevel } from './info.js';
import { readOmeXml } from './ome.js';
import { TAG, type TiffDirectory, type TiffFile, tagNumber, tagString } from './tiff.js';

/**
 * What a slide's TIFF directories mean, vendor by vendor, following the rules OpenSlide uses
 * so that `slide info` and `openslide-show-properties` agree on levels and resolution.
 */
export type TiffSlide = Omit<SlideInfo, 'path' | 'file' | 'sha256' | 'headerFingerprint'>;

const COMPRESSION: Record<number, string> = {
  1: 'none',
  2: 'ccitt-rle',
  3: 'ccitt-g3',
  4: 'ccitt-g4',
  5: 'lzw',
  6: 'old-jpeg',
  7: 'jpeg',
  8: 'deflate',
  32946: 'deflate',
  32773: 'packbits',
  33003: 'jpeg2000',
  33004: 'jpeg2000',
  33005: 'jpeg2000',
  34712: 'jpeg2000',
  34887: 'lerc',
  34925: 'lzma',
  50000: 'zstd',
  50001: 'webp',
  50002: 'jpeg-xl',
  52546: 'jpeg-xl',
};

/** The name of a TIFF compression code; an unknown code makes the file unusable. */
export function compressionName(dir: TiffDirectory, path: string): string {
  const code = tagNumber(dir, TAG.compression) ?? 1;
  const name = COMPRESSION[code];
  if (!name) {
    throw new InputError(
      `IFD ${dir.index} uses compression ${code}, which is not a known TIFF compression`,
      path,
    );
  }
  return name;
}

/** Interpret a TIFF as a slide: Aperio, Hamamatsu NDPI, OME-TIFF or generic tiled TIFF. */
export function interpretTiff(tiff: TiffFile, path: string): TiffSlide {
  const first = tiff.directories[0]!;
  for (const dir of [...tiff.directories, ...tiff.subDirectories]) compressionName(dir, path);
  const description = tagString(first, TAG.imageDescription) ?? '';
  if (description.startsWith('Aperio')) return aperio(tiff, path, description);
  if (first.entries.has(TAG.ndpiSourceLens)) return hamamatsu(tiff, path);
  if (/<OME[\s>]/.test(description)) return ome(tiff, path, description);
  return generic(tiff, path);
}

function dims(dir: TiffDirectory): { width: number; height: number } {
  return {
    width: tagNumber(dir, TAG.imageWidth) ?? 0,
    height: tagNumber(dir, TAG.imageLength) ?? 0,
  };
}

function isTiled(dir: TiffDirectory): boolean {
  return dir.entries.has(TAG.tileWidth);
}

/** Levels from directories, largest first, downsamples as OpenSlide computes them. */
function levelsOf(dirs: TiffDirectory[]): SlideLevel[] {
  const sorted = [...dirs].sort((a, b) => dims(b).width - dims(a).width);
  const base = dims(sorted[0]!);
  return sorted.map((dir) => {
    const { width, height } = dims(dir);
    const level: SlideLevel = { width, height, downsample: downsample(base, width, height) };
    const tileWidth = tagNumber(dir, TAG.tileWidth);
    const tileHeight = tagNumber(dir, TAG.tileLength);
    if (tileWidth !== undefined) level.tileWidth = tileWidth;
    if (tileHeight !== undefined) level.tileHeight = tileHeight;
    level.source = sourceOf(dir);
    return level;
  });
}

/** OpenSlide's downsample: the mean of the width and height ratios. */
export function downsample(base: { width: number; height: number }, w: number, h: number) {
  return (base.width / w + base.height / h) / 2;
}

function baseSlide(tiff: TiffFile, levels: TiffDirectory[], path: string) {
  const level0 = [...levels].sort((a, b) => dims(b).width - dims(a).width)[0]!;
  return {
    ...dims(level0),
    compression: compressionName(level0, path),
    bigTiff: tiff.bigTiff,
  };
}

function tiffProperties(dir: TiffDirectory): Record<string, string> {
  const props: Record<string, string> = {};
  const strings: [number, string][] = [
    [TAG.make, 'tiff.Make'],
    [TAG.model, 'tiff.Model'],
    [TAG.software, 'tiff.Software'],
    [TAG.dateTime, 'tiff.DateTime'],
  ];
  for (const [tag, key] of strings) {
    const value = tagString(dir, tag);
    if (value) props[key] = value;
  }
  const unit = tagNumber(dir, TAG.resolutionUnit);
  if (unit !== undefined)
    props['tiff.ResolutionUnit'] = ['', 'none', 'inch', 'centimeter'][unit] ?? `${unit}`;
  const x = tagNumber(dir, TAG.xResolution);
  const y = tagNumber(dir, TAG.yResolution);
  if (x !== undefined) props['tiff.XResolution'] = String(x);
  if (y !== undefined) props['tiff.YResolution'] = String(y);
  return props;
}

function sourceOf(dir: TiffDirectory): ImageSource {
  return dir.parent === undefined ? { ifd: dir.index } : { ifd: dir.parent, subIfd: dir.index };
}

function associated(kind: AssociatedImage['kind'], dir: TiffDirectory): AssociatedImage {
  return { kind, ...dims(dir), mayIdentifyPatient: true, source: sourceOf(dir) };
}

/** Aperio: tiled IFDs are levels, IFD 1 is the thumbnail, label and macro say so. */
function aperio(tiff: TiffFile, path: string, description: string): TiffSlide {
  const tiled = tiff.directories.filter(isTiled);
  if (tiled.length === 0) throw new InputError('an Aperio SVS with no tiled level', path);
  const images: AssociatedImage[] = [];
  for (const dir of tiff.directories.filter((d) => !isTiled(d))) {
    const text = (tagString(dir, TAG.imageDescription) ?? '').split('\n')[1] ?? '';
    if (dir.index === 1) images.push(associated('thumbnail', dir));
    else if (/\blabel\b/.test(text)) images.push(associated('label', dir));
    else if (/\bmacro\b/.test(text)) images.push(associated('macro', dir));
  }
  const properties = { ...tiffProperties(tiff.directories[0]!), ...aperioFields(description) };
  const mpp = Number(properties['aperio.MPP']);
  const power = Number(properties['aperio.AppMag']);
  const slide: TiffSlide = {
    format: 'aperio-svs',
    ...baseSlide(tiff, tiled, path),
    levels: levelsOf(tiled),
    vendor: 'aperio',
    associatedImages: images,
    properties,
  };
  if (mpp > 0) slide.mpp = { x: mpp, y: mpp };
  if (power > 0) slide.objectivePower = power;
  if (properties['aperio.ScanScope ID']) slide.scanner = properties['aperio.ScanScope ID'];
  return slide;
}

/** `Aperio Image Library v…\n… |Key = Value|Key = Value` into aperio.* properties. */
function aperioFields(description: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const part of description.split('|').slice(1)) {
    const eq = part.indexOf(' = ');
    if (eq > 0) props[`aperio.${part.slice(0, eq).trim()}`] = part.slice(eq + 3).trim();
  }
  return props;
}

/**
 * Hamamatsu NDPI: SourceLens > 0 marks a level, -1 the macro, -2 the map. Each level is one
 * JPEG; like OpenSlide, smaller levels that libjpeg can decode at 1/2, 1/4 and 1/8 scale are
 * listed as well (with `stored: false`), so the level count matches OpenSlide's.
 */
// LIMITATION: NDPI files over 4 GiB keep offset high bits in a private tag; they are not read.
function hamamatsu(tiff: TiffFile, path: string): TiffSlide {
  const lens = (d: TiffDirectory) => tagNumber(d, TAG.ndpiSourceLens) ?? 0;
  const stored = tiff.directories.filter((d) => lens(d) > 0);
  if (stored.length === 0) throw new InputError('an NDPI file with no pyramid level', path);
  const level0 = stored.sort((a, b) => dims(b).width - dims(a).width)[0]!;
  const images: AssociatedImage[] = [];
  for (const dir of tiff.directories) {
    if (lens(dir) === -1) images.push(associated('macro', dir));
    if (lens(dir) === -2) images.push(associated('map', dir));
  }
  const properties = { ...tiffProperties(level0), ...ndpiProperties(level0) };
  properties['hamamatsu.SourceLens'] = String(lens(level0));
  const slide: TiffSlide = {
    format: 'hamamatsu-ndpi',
    ...baseSlide(tiff, [level0], path),
    levels: ndpiLevels(stored),
    vendor: 'hamamatsu',
    associatedImages: images,
    properties,
    objectivePower: lens(level0),
  };
  const mpp = resolutionMpp(level0);
  if (mpp) slide.mpp = mpp;
  if (properties['tiff.Model']) slide.scanner = properties['tiff.Model'];
  return slide;
}

function ndpiLevels(stored: TiffDirectory[]): SlideLevel[] {
  const base = dims(stored[0]!);
  const byWidth = new Map<number, SlideLevel>();
  for (const scale of [1, 2, 4, 8]) {
    for (const dir of stored) {
      const { width, height } = dims(dir);
      const w = Math.floor(width / scale);
      const h = Math.floor(height / scale);
      if (w === 0 || h === 0 || byWidth.has(w)) continue;
      const level: SlideLevel = { width: w, height: h, downsample: downsample(base, w, h) };
      if (scale > 1) level.stored = false;
      else level.source = sourceOf(dir);
      byWidth.set(w, level);
    }
  }
  return [...byWidth.values()].sort((a, b) => b.width - a.width);
}

/** XResolution in pixels per centimetre (NDPI) or inch, as microns per pixel. */
function resolutionMpp(dir: TiffDirectory): { x: number; y: number } | undefined {
  const unit = tagNumber(dir, TAG.resolutionUnit);
  const perUnit = unit === 3 ? 10_000 : unit === 2 ? 25_400 : undefined;
  const x = tagNumber(dir, TAG.xResolution);
  const y = tagNumber(dir, TAG.yResolution);
  if (!perUnit || !x || !y) return undefined;
  return { x: perUnit / x, y: perUnit / y };
}

/** NDPI tag 65449 holds `key=value` lines of scanner settings. */
function ndpiProperties(dir: TiffDirectory): Record<string, string> {
  const props: Record<string, string> = {};
  const text = tagString(dir, TAG.ndpiProperties) ?? '';
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) props[`hamamatsu.${line.slice(0, eq)}`] = line.slice(eq + 1);
  }
  return props;
}

/** OME-TIFF: the first image and its SubIFD pyramid; sizes from the OME-XML. */
function ome(tiff: TiffFile, path: string, description: string): TiffSlide {
  const first = tiff.directories[0]!;
  const subs = tiff.subDirectories.filter((d) => d.parent === first.index);
  const xml = readOmeXml(description);
  const slide: TiffSlide = {
    format: 'ome-tiff',
    ...baseSlide(tiff, [first], path),
    levels: levelsOf([first, ...subs]),
    associatedImages: xml.associated,
    properties: { ...tiffProperties(first), ...xml.properties },
  };
  if (xml.mpp) slide.mpp = xml.mpp;
  if (xml.objectivePower) slide.objectivePower = xml.objectivePower;
  if (xml.vendor) slide.vendor = xml.vendor;
  if (xml.scanner) slide.scanner = xml.scanner;
  return slide;
}

/**
 * Generic TIFF: every tiled directory is a level, as in OpenSlide. A file without tiles is
 * listed with its first directory as the only level. Resolution tags are not turned into mpp:
 * most writers leave a 72 dpi placeholder there, and OpenSlide 3.4 ignores them too.
 */
function generic(tiff: TiffFile, path: string): TiffSlide {
  const tiled = tiff.directories.filter(isTiled);
  const levels = tiled.length ? tiled : [tiff.directories[0]!];
  const properties = tiffProperties(levels[0]!);
  const slide: TiffSlide = {
    format: 'generic-tiff',
    ...baseSlide(tiff, levels, path),
    levels: levelsOf(levels),
    associatedImages: [],
    properties,
  };
  const make = properties['tiff.Make'];
  if (make) slide.vendor = make;
  if (properties['tiff.Model']) slide.scanner = properties['tiff.Model'];
  return slide;
}
