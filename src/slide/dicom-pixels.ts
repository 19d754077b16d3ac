import { open } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { DICOM_TAG, type DicomInstance, dicomNumber, readDicom } from './dicom.js';
import { instanceSize, transferSyntaxName } from './dicom-slide.js';

/** Instances with more tiles than this are not stitched for a thumbnail. */
const MAX_FRAMES = 4096;

/**
 * Decode a whole DICOM instance into one RGB image by stitching its frames (TILED_FULL order:
 * row by row). Uncompressed and baseline JPEG frames are supported; other transfer syntaxes
 * throw with the reason.
 */
export async function decodeDicomInstance(path: string): Promise<Sharp> {
  const instance = await readDicom(path);
  const compression = transferSyntaxName(instance);
  if (compression !== 'none' && compression !== 'jpeg') {
    throw new Error(`${compression} frames cannot be decoded here (only uncompressed and JPEG)`);
  }
  if (!instance.pixelData) throw new Error('the instance has no pixel data');
  const frames = await readFrames(instance, compression === 'jpeg');
  return stitch(instance, frames, compression === 'jpeg');
}

async function readFrames(instance: DicomInstance, encapsulated: boolean): Promise<Buffer[]> {
  const count = dicomNumber(instance, DICOM_TAG.frames) ?? 1;
  if (count > MAX_FRAMES) throw new Error(`${count} frames are too many to stitch a thumbnail`);
  const pixel = instance.pixelData!;
  const handle = await open(instance.path, 'r');
  try {
    const end = encapsulated ? instance.size : pixel.offset + pixel.length;
    const data = Buffer.alloc(end - pixel.offset);
    await handle.read(data, 0, data.length, pixel.offset);
    return encapsulated ? fragments(data) : splitNative(instance, data, count);
  } finally {
    await handle.close();
  }
}

/** Encapsulated pixel data: an offset table item, then one fragment per frame. */
function fragments(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  let first = true;
  while (at + 8 <= data.length) {
    const group = data.readUInt16LE(at);
    const element = data.readUInt16LE(at + 2);
    const length = data.readUInt32LE(at + 4);
    if (group !== 0xfffe || element === 0xe0dd) break;
    if (!first) out.push(data.subarray(at + 8, at + 8 + length));
    first = false;
    at += 8 + length;
  }
  // LIMITATION: frames split over several fragments are not joined; WSI writers use one.
  return out;
}

function splitNative(instance: DicomInstance, data: Buffer, count: number): Buffer[] {
  const size = frameBytes(instance);
  return [...Array(count).keys()].map((i) => data.subarray(i * size, (i + 1) * size));
}

function frameBytes(instance: DicomInstance): number {
  const rows = dicomNumber(instance, DICOM_TAG.rows) ?? 0;
  const columns = dicomNumber(instance, DICOM_TAG.columns) ?? 0;
  const samples = dicomNumber(instance, DICOM_TAG.samplesPerPixel) ?? 1;
  const bits = dicomNumber(instance, DICOM_TAG.bitsAllocated) ?? 8;
  return rows * columns * samples * (bits / 8);
}

async function stitch(instance: DicomInstance, frames: Buffer[], jpeg: boolean) {
  const { width, height } = instanceSize(instance);
  const tileWidth = dicomNumber(instance, DICOM_TAG.columns) ?? width;
  const tileHeight = dicomNumber(instance, DICOM_TAG.rows) ?? height;
  const samples = dicomNumber(instance, DICOM_TAG.samplesPerPixel) ?? 1;
  if ((dicomNumber(instance, DICOM_TAG.bitsAllocated) ?? 8) !== 8) {
    throw new Error('only 8-bit samples can be decoded for a thumbnail');
  }
  const across = Math.ceil(width / tileWidth);
  const channels = samples === 1 ? 1 : 3;
  const raw = { width: tileWidth, height: tileHeight, channels: channels as 1 | 3 };
  const tiles = await Promise.all(
    frames.map(async (frame, i) => ({
      input: jpeg ? await sharp(frame).toColourspace('srgb').png().toBuffer() : frame,
      ...(jpeg ? {} : { raw }),
      left: (i % across) * tileWidth,
      top: Math.floor(i / across) * tileHeight,
    })),
  );
  const canvas = sharp({
    create: {
      width: across * tileWidth,
      height: Math.ceil(frames.length / across) * tileHeight,
      channels: 3,
      background: '#ffffff',
    },
  });
  const full = await canvas.composite(tiles).png().toBuffer();
  return sharp(full).extract({ left: 0, top: 0, width, height });
}
