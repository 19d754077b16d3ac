import { open } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import type { ImageSource } from './info.js';
import { readTiff, TAG, type TiffDirectory, tagNumber } from './tiff.js';

const JPEG_TABLES = 347;
/** Levels with more tiles than this are not stitched for a thumbnail. */
const MAX_TILES = 4096;

/**
 * Decode a JPEG-tiled TIFF level tile by tile with the JPEG decoder, as OpenSlide does. Going
 * through libtiff instead trusts the TIFF Photometric tag, and writers such as Bio-Formats
 * mark YCbCr JPEG tiles as RGB, which gives false colours.
 */
export async function decodeJpegTiles(path: string, source: ImageSource): Promise<Sharp> {
  const handle = await open(path, 'r');
  try {
    const dir = await findDirectory(path, source, handle);
    const offsets = numbers(dir, TAG.tileOffsets);
    const counts = numbers(dir, TAG.tileByteCounts);
    if (offsets.length > MAX_TILES) throw new Error(`${offsets.length} tiles are too many`);
    const tables = jpegTables(dir);
    const width = tagNumber(dir, TAG.imageWidth)!;
    const height = tagNumber(dir, TAG.imageLength)!;
    const tileWidth = tagNumber(dir, TAG.tileWidth)!;
    const tileHeight = tagNumber(dir, TAG.tileLength)!;
    const across = Math.ceil(width / tileWidth);
    const tiles = [];
    for (const [i, offset] of offsets.entries()) {
      const length = counts[i] ?? 0;
      if (length === 0) continue;
      const data = Buffer.alloc(length);
      await handle.read(data, 0, length, offset);
      const joined = tables ? Buffer.concat([tables, data.subarray(2)]) : data;
      const jpeg = tagNumber(dir, TAG.photometric) === 2 ? markRgb(joined) : joined;
      const input = await sharp(jpeg, { failOn: 'error' }).toColourspace('srgb').png().toBuffer();
      tiles.push({
        input,
        left: (i % across) * tileWidth,
        top: Math.floor(i / across) * tileHeight,
      });
    }
    const canvas = sharp({
      create: {
        width: across * tileWidth,
        height: Math.ceil(offsets.length / across) * tileHeight,
        channels: 3,
        background: '#ffffff',
      },
    });
    const full = await canvas.composite(tiles).png().toBuffer();
    return sharp(full).extract({ left: 0, top: 0, width, height });
  } finally {
    await handle.close();
  }
}

async function findDirectory(
  path: string,
  source: ImageSource,
  handle: Awaited<ReturnType<typeof open>>,
): Promise<TiffDirectory> {
  const tiff = await readTiff(handle, path);
  const dir =
    source.subIfd === undefined
      ? tiff.directories[source.ifd ?? 0]
      : tiff.subDirectories.find((d) => d.parent === source.ifd && d.index === source.subIfd);
  if (!dir) throw new Error('the image directory is missing');
  return dir;
}

function numbers(dir: TiffDirectory, tag: number): number[] {
  const value = dir.entries.get(tag)?.value;
  return Array.isArray(value) ? value : [];
}

/** Adobe APP14 segment with transform 0: the components are RGB, not YCbCr. */
const ADOBE_RGB = Buffer.from('ffee000e41646f626500640000000000', 'hex');

/**
 * A JPEG without a JFIF or Adobe marker is decoded as YCbCr by libjpeg. Aperio writes RGB
 * components and says so only in the TIFF Photometric tag, so such tiles get an Adobe marker
 * that says RGB; tiles that carry their own marker (Bio-Formats writes JFIF) keep it.
 */
function markRgb(jpeg: Buffer): Buffer {
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xe0 || marker === 0xee) return jpeg;
    if (marker === 0xda) break;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  return Buffer.concat([jpeg.subarray(0, 2), ADOBE_RGB, jpeg.subarray(2)]);
}

/** The shared JPEG tables without their end-of-image marker, to prefix each tile. */
function jpegTables(dir: TiffDirectory): Buffer | undefined {
  const bytes = numbers(dir, JPEG_TABLES);
  if (bytes.length < 4) return undefined;
  return Buffer.from(bytes.slice(0, -2));
}
