import type { FileHandle } from 'node:fs/promises';
import { InputError } from '../errors.js';

/**
 * A small TIFF/BigTIFF directory reader: walks the IFD chain (and SubIFDs) and reads the tag
 * values slidepack needs, in either byte order, without touching pixel data.
 */

export const TAG = {
  newSubfileType: 254,
  imageWidth: 256,
  imageLength: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  imageDescription: 270,
  make: 271,
  model: 272,
  stripOffsets: 273,
  samplesPerPixel: 277,
  stripByteCounts: 279,
  xResolution: 282,
  yResolution: 283,
  resolutionUnit: 296,
  software: 305,
  dateTime: 306,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  subIfds: 330,
  ndpiSourceLens: 65421,
  ndpiXOffset: 65422,
  ndpiYOffset: 65423,
  ndpiProperties: 65449,
} as const;

/** Array-valued tags larger than this are not read whole; only their count is kept. */
const MAX_VALUES = 4096;
const OFFSET_TAGS = new Set<number>([TAG.stripOffsets, TAG.tileOffsets]);
const COUNT_TAGS = new Set<number>([TAG.stripByteCounts, TAG.tileByteCounts]);

export interface TiffEntry {
  type: number;
  count: number;
  /** Numbers for numeric types (rationals as quotients), or a string for ASCII. */
  value?: number[] | string;
}

export interface TiffDirectory {
  /** Position in the main chain, or in its parent's SubIFD list. */
  index: number;
  offset: number;
  parent?: number;
  entries: Map<number, TiffEntry>;
  /** Where the last strip or tile ends, to spot truncated files. */
  dataEnd: number;
}

export interface TiffFile {
  littleEndian: boolean;
  bigTiff: boolean;
  size: number;
  directories: TiffDirectory[];
  subDirectories: TiffDirectory[];
}

const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** True when the first bytes are a TIFF or BigTIFF header in either byte order. */
export function isTiffHeader(head: Buffer): boolean {
  if (head.length < 8) return false;
  const order = head.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return false;
  const magic = order === 'II' ? head.readUInt16LE(2) : head.readUInt16BE(2);
  return magic === 42 || magic === 43;
}

/** Read every IFD of a TIFF file; throws an {@link InputError} naming the problem. */
export async function readTiff(handle: FileHandle, path: string): Promise<TiffFile> {
  const size = (await handle.stat()).size;
  const reader = new ByteReader(handle, path, size);
  const head = await reader.bytes(0, 16);
  if (!isTiffHeader(head)) throw new InputError('not a TIFF file (no II/MM header)', path);
  reader.littleEndian = head.toString('latin1', 0, 2) === 'II';
  const bigTiff = reader.u16(head, 2) === 43;
  reader.bigTiff = bigTiff;
  const first = bigTiff ? reader.u64(head, 8) : reader.u32(head, 4);

  const directories = await readChain(reader, first);
  const subDirectories: TiffDirectory[] = [];
  for (const dir of directories) {
    const subs = dir.entries.get(TAG.subIfds)?.value;
    if (!Array.isArray(subs)) continue;
    for (const [n, offset] of subs.entries()) {
      const { dir: sub } = await readDirectory(reader, offset, n);
      sub.parent = dir.index;
      subDirectories.push(sub);
    }
  }
  return { littleEndian: reader.littleEndian, bigTiff, size, directories, subDirectories };
}

async function readChain(reader: ByteReader, first: number): Promise<TiffDirectory[]> {
  const directories: TiffDirectory[] = [];
  const seen = new Set<number>();
  let offset = first;
  while (offset !== 0) {
    if (seen.has(offset)) reader.fail(`the IFD chain loops back to offset ${offset}`);
    seen.add(offset);
    const { dir, next } = await readDirectory(reader, offset, directories.length);
    directories.push(dir);
    offset = next;
  }
  if (directories.length === 0) reader.fail('the TIFF has no image directory');
  return directories;
}

async function readDirectory(reader: ByteReader, offset: number, index: number) {
  const place = `IFD ${index} at offset ${offset}`;
  const countSize = reader.bigTiff ? 8 : 2;
  const entrySize = reader.bigTiff ? 20 : 12;
  if (offset + countSize > reader.size) reader.truncated(place);
  const countBuf = await reader.bytes(offset, countSize);
  const count = reader.bigTiff ? reader.u64(countBuf, 0) : reader.u16(countBuf, 0);
  const tableSize = count * entrySize + (reader.bigTiff ? 8 : 4);
  if (offset + countSize + tableSize > reader.size) reader.truncated(place);
  const table = await reader.bytes(offset + countSize, tableSize);

  const entries = new Map<number, TiffEntry>();
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const tag = reader.u16(table, at);
    entries.set(tag, await readEntry(reader, table, at, tag, place));
  }
  const nextAt = count * entrySize;
  const next = reader.bigTiff ? reader.u64(table, nextAt) : reader.u32(table, nextAt);
  const dataEnd = await dataExtent(reader, entries, place);
  const dir: TiffDirectory = { index, offset, entries, dataEnd };
  return { dir, next };
}

async function readEntry(
  reader: ByteReader,
  table: Buffer,
  at: number,
  tag: number,
  place: string,
): Promise<TiffEntry> {
  const type = reader.u16(table, at + 2);
  const count = reader.bigTiff ? reader.u64(table, at + 4) : reader.u32(table, at + 4);
  const size = (TYPE_SIZE[type] ?? 0) * count;
  const inline = reader.bigTiff ? 8 : 4;
  const valueAt = at + (reader.bigTiff ? 12 : 8);
  const entry: TiffEntry = { type, count };
  if (size === 0) return entry;
  const wanted = type === 2 || count <= MAX_VALUES || OFFSET_TAGS.has(tag) || COUNT_TAGS.has(tag);
  if (!wanted) return entry;

  let raw: Buffer;
  if (size <= inline) raw = table.subarray(valueAt, valueAt + size);
  else {
    const pointer = reader.bigTiff ? reader.u64(table, valueAt) : reader.u32(table, valueAt);
    if (pointer + size > reader.size) reader.truncated(`${place}, tag ${tag}`);
    raw = await reader.bytes(pointer, size);
  }
  entry.value = type === 2 ? asciiValue(raw) : reader.numbers(raw, type, count);
  return entry;
}

function asciiValue(raw: Buffer): string {
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end < 0 ? raw.length : end);
}

/** The end of the furthest strip or tile, from the offset and byte-count arrays. */
async function dataExtent(
  reader: ByteReader,
  entries: Map<number, TiffEntry>,
  place: string,
): Promise<number> {
  const offsets = entries.get(TAG.tileOffsets) ?? entries.get(TAG.stripOffsets);
  const counts = entries.get(TAG.tileByteCounts) ?? entries.get(TAG.stripByteCounts);
  if (!Array.isArray(offsets?.value) || !Array.isArray(counts?.value)) return 0;
  let end = 0;
  for (const [i, offset] of offsets.value.entries()) {
    const length = counts.value[i] ?? 0;
    // Empty tiles (offset 0, length 0) are allowed in sparse pyramids.
    if (length > 0) end = Math.max(end, offset + length);
  }
  if (end > reader.size) {
    reader.fail(`truncated: image data of ${place} runs to byte ${end} of ${reader.size}`);
  }
  return end;
}

/** Reads ranges of the file and decodes integers in the file's byte order. */
class ByteReader {
  littleEndian = true;
  bigTiff = false;

  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly size: number,
  ) {}

  async bytes(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  }

  u16(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  u32(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  u64(b: Buffer, at: number): number {
    const v = this.littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at);
    return Number(v);
  }

  numbers(raw: Buffer, type: number, count: number): number[] {
    const out: number[] = [];
    const size = TYPE_SIZE[type]!;
    for (let i = 0; i < count; i++) out.push(this.number(raw, type, i * size));
    return out;
  }

  private number(b: Buffer, type: number, at: number): number {
    const le = this.littleEndian;
    switch (type) {
      case 3:
      case 8:
        return type === 3 ? this.u16(b, at) : le ? b.readInt16LE(at) : b.readInt16BE(at);
      case 4:
      case 13:
        return this.u32(b, at);
      case 9:
        return le ? b.readInt32LE(at) : b.readInt32BE(at);
      case 5:
        return this.u32(b, at) / this.u32(b, at + 4);
      case 10:
        return (
          (le ? b.readInt32LE(at) : b.readInt32BE(at)) /
          (le ? b.readInt32LE(at + 4) : b.readInt32BE(at + 4))
        );
      case 11:
        return le ? b.readFloatLE(at) : b.readFloatBE(at);
      case 12:
        return le ? b.readDoubleLE(at) : b.readDoubleBE(at);
      case 16:
      case 18:
        return this.u64(b, at);
      case 17:
        return Number(le ? b.readBigInt64LE(at) : b.readBigInt64BE(at));
      case 6:
        return b.readInt8(at);
      default:
        return b[at]!;
    }
  }

  truncated(place: string): never {
    this.fail(`truncated: ${place} lies beyond the end of the file (${this.size} bytes)`);
  }

  fail(message: string): never {
    throw new InputError(message, this.path);
  }
}

/** A numeric tag's first value. */
export function tagNumber(dir: TiffDirectory, tag: number): number | undefined {
  const value = dir.entries.get(tag)?.value;
  return Array.isArray(value) ? value[0] : undefined;
}

/** An ASCII tag's value. */
export function tagString(dir: TiffDirectory, tag: number): string | undefined {
  const value = dir.entries.get(tag)?.value;
  return typeof value === 'string' ? value : undefined;
}
