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
      const jpeg = tables ? Buffer.concat([tables, data.subarray(2)]) : data;
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

/** The shared JPEG tables without their end-of-image marker, to prefix each tile. */
function jpegTables(dir: TiffDirectory): Buffer | undefined {
  const bytes = numbers(dir, JPEG_TABLES);
  if (bytes.length < 4) return undefined;
  return Buffer.from(bytes.slice(0, -2));
}
