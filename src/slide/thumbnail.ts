import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { InputError, UsageError } from '../errors.js';
import { AtomicFile } from '../io/atomic.js';
import type { AnnotationSet } from '../model/collect.js';
import { decodeDicomInstance } from './dicom-pixels.js';
import { decodeJpegTiles } from './tiff-tiles.js';
import { type ImageSource, readSlideInfo, type SlideInfo } from './info.js';
import { overlaySvg, pickSlide } from './overlay-svg.js';

export interface ThumbnailOptions {
  /** Longest side of the output in pixels (default 1024); never larger than level 0. */
  maxSize?: number;
}

export interface OverlayOptions extends ThumbnailOptions {
  /** Which slide of the annotation set to draw; default: the one matching the slide's name. */
  slideId?: string;
}

interface Candidate {
  label: string;
  tileWidth?: number;
  width: number;
  height: number;
  source: ImageSource;
  compression: string;
}

/** What was written, and why the image came from a smaller level than asked, if it did. */
export interface ThumbnailResult {
  width: number;
  height: number;
  /** One line per level that could not be used, and one when the size was capped. */
  warnings: string[];
}

/** Write a PNG thumbnail of a slide from its smallest decodable level or stored thumbnail. */
export async function writeThumbnail(
  slidePath: string,
  outPng: string,
  options: ThumbnailOptions = {},
): Promise<ThumbnailResult> {
  const info = await readSlideInfo(slidePath);
  const { image, ...result } = await renderThumbnail(info, options.maxSize);
  await writePng(image, outPng);
  return result;
}

/** Write a thumbnail with the slide's annotations drawn in class colours, with a legend. */
export async function writeOverlay(
  slidePath: string,
  set: AnnotationSet,
  outPng: string,
  options: OverlayOptions = {},
): Promise<ThumbnailResult> {
  const info = await readSlideInfo(slidePath);
  const slide = pickSlide(set, info, options.slideId);
  const { image, ...result } = await renderThumbnail(info, options.maxSize);
  const svg = overlaySvg(set, slide, info, result);
  await writePng(image.composite([{ input: Buffer.from(svg), left: 0, top: 0 }]), outPng);
  return result;
}

/** The output size for a slide: level 0 scaled so its longest side is `maxSize`. */
export function thumbnailSize(info: SlideInfo, maxSize = 1024) {
  if (!Number.isInteger(maxSize) || maxSize < 1) {
    throw new UsageError(`the longest side must be a whole number of pixels ≥ 1, not ${maxSize}`);
  }
  const scale = Math.min(1, maxSize / Math.max(info.width, info.height));
  return {
    width: Math.max(1, Math.round(info.width * scale)),
    height: Math.max(1, Math.round(info.height * scale)),
  };
}

async function renderThumbnail(info: SlideInfo, maxSize = 1024) {
  const wanted = thumbnailSize(info, maxSize);
  const warnings: string[] = [];
  for (const candidate of ordered(candidates(info), wanted)) {
    if (candidate.compression === 'jpeg2000') {
      warnings.push(`${describe(candidate)}: JPEG 2000 tiles, which cannot be decoded here`);
      continue;
    }
    try {
      const image = await resized(await decode(info, candidate), info, candidate, maxSize);
      if (warnings.length) warnings.push(`drew the thumbnail from ${describe(candidate)}`);
      if (image.width < wanted.width) {
        warnings.push(
          `${image.width} × ${image.height} px instead of ${wanted.width} × ${wanted.height}: ` +
            `${describe(candidate)} is not enlarged`,
        );
      }
      return { ...image, warnings };
    } catch (error) {
      const why = (error as Error).message.split('\n')[0];
      warnings.push(`${describe(candidate)} could not be decoded: ${why}`);
    }
  }
  throw new InputError(
    `no image of the slide could be decoded (${warnings.join('; ')})`,
    info.path,
  );
}

/** The decoded image scaled to the output size, never larger than the image itself. */
async function resized(decoded: Sharp, info: SlideInfo, candidate: Candidate, maxSize: number) {
  const longest = Math.min(maxSize, Math.max(candidate.width, candidate.height));
  const scaled = thumbnailSize(info, longest);
  // Level 0's shape, but not one pixel more than the image drawn from (rounding).
  const size = {
    width: Math.min(scaled.width, candidate.width),
    height: Math.min(scaled.height, candidate.height),
  };
  const raw = await decoded
    .resize(size.width, size.height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Only the shape: after a resize raw.info says `premultiplied`, and passing that on makes
  // sharp divide red and green by the last (blue) channel, which gives false colours.
  const { width, height, channels } = raw.info;
  return { image: sharp(raw.data, { raw: { width, height, channels } }), ...size };
}

function describe(candidate: Candidate): string {
  return `${candidate.label} (${candidate.width} × ${candidate.height} px)`;
}

/** Stored levels, and the stored thumbnail when it shows the whole slide (Aperio). */
function candidates(info: SlideInfo): Candidate[] {
  const out: Candidate[] = [];
  for (const [n, level] of info.levels.entries()) {
    if (level.stored === false || !level.source) continue;
    out.push({
      label: `level ${n}`,
      ...level,
      source: level.source,
      compression: info.compression,
    });
  }
  for (const image of info.associatedImages) {
    if (image.kind !== 'thumbnail' || !image.source || info.format !== 'aperio-svs') continue;
    out.push({ label: 'stored thumbnail', ...image, source: image.source, compression: 'jpeg' });
  }
  return out;
}

/** Smallest images at least as large as the output first, then smaller ones, largest first. */
function ordered(list: Candidate[], size: { width: number; height: number }): Candidate[] {
  const big = list.filter((c) => c.width >= size.width && c.height >= size.height);
  const small = list.filter((c) => !big.includes(c));
  big.sort((a, b) => a.width * a.height - b.width * b.height);
  small.sort((a, b) => b.width * b.height - a.width * a.height);
  return [...big, ...small];
}

async function decode(info: SlideInfo, candidate: Candidate): Promise<Sharp> {
  const { source } = candidate;
  if (source.file) return decodeDicomInstance(source.file);
  const tiled = candidate.label.startsWith('level') && candidate.tileWidth !== undefined;
  if (tiled && candidate.compression === 'jpeg') return decodeJpegTiles(info.path, source);
  const options: SharpOptions = { page: source.ifd ?? 0, failOn: 'error' };
  if (source.subIfd !== undefined) options.subifd = source.subIfd;
  return sharp(info.path, options).toColourspace('srgb');
}

async function writePng(image: Sharp, outPng: string): Promise<void> {
  const file = new AtomicFile(outPng);
  await file.prepare();
  try {
    await image.png().toFile(file.tempPath);
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
