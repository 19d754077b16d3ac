import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';

/**
 * A small DICOM reader for whole-slide instances: the file meta group, then the data set in
 * explicit or implicit VR little endian, down into sequences, stopping at the pixel data.
 */

export const DICOM_TAG = {
  transferSyntax: '0002,0010',
  imageType: '0008,0008',
  sopClass: '0008,0016',
  manufacturer: '0008,0070',
  modelName: '0008,1090',
  seriesUid: '0020,000E',
  samplesPerPixel: '0028,0002',
  photometric: '0028,0004',
  frames: '0028,0008',
  rows: '0028,0010',
  columns: '0028,0011',
  pixelSpacing: '0028,0030',
  bitsAllocated: '0028,0100',
  planarConfiguration: '0028,0006',
  totalColumns: '0048,0006',
  totalRows: '0048,0007',
  objectivePower: '0048,0112',
  dimensionOrganization: '0020,9311',
  patientName: '0010,0010',
  pixelData: '7FE0,0010',
} as const;

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const STRING_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
/** VRs of the tags read here, for implicit-VR files that do not spell them out. */
const IMPLICIT_VR: Record<string, string> = {
  '0028,0002': 'US',
  '0028,0006': 'US',
  '0028,0010': 'US',
  '0028,0011': 'US',
  '0028,0100': 'US',
  '0048,0006': 'UL',
  '0048,0007': 'UL',
  '5200,9229': 'SQ',
  '5200,9230': 'SQ',
  '0028,9110': 'SQ',
  '0048,0105': 'SQ',
  '0048,0008': 'SQ',
};
const UNDEFINED = 0xffffffff;
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';

export type DicomValue = string | number[];

export interface DicomInstance {
  path: string;
  size: number;
  transferSyntax: string;
  /** Values by tag `gggg,eeee`; top-level values win over those inside sequences. */
  values: Map<string, DicomValue>;
  /** Byte offset of the pixel data value, and whether it is encapsulated (compressed). */
  pixelData?: { offset: number; length: number; encapsulated: boolean };
}

/** True when the bytes at 128 are the `DICM` marker of a DICOM Part 10 file. */
export function isDicomHeader(head: Buffer): boolean {
  return head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM';
}

/** Read one DICOM instance's header (everything before the pixel data). */
export async function readDicom(path: string): Promise<DicomInstance> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let length = Math.min(size, 1 << 20);
    for (;;) {
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, 0);
      const parsed = parseDicom(buffer, path, size, length >= size);
      if (parsed) return parsed;
      length = Math.min(size, length * 4);
    }
  } finally {
    await handle.close();
  }
}

/** Parse a buffer; undefined when the header runs past it and more of the file is needed. */
function parseDicom(buf: Buffer, path: string, size: number, whole: boolean) {
  if (!isDicomHeader(buf)) throw new InputError('not a DICOM file (no DICM marker at 128)', path);
  const state = new Parser(buf, path, whole);
  const instance: DicomInstance = { path, size, transferSyntax: '', values: new Map() };
  let at = state.readGroup(132, true, instance, 0, (tag) => !tag.startsWith('0002'));
  if (at === undefined) return undefined;
  instance.transferSyntax = String(instance.values.get(DICOM_TAG.transferSyntax) ?? '').trim();
  if (instance.transferSyntax === EXPLICIT_BE || instance.transferSyntax === DEFLATED) {
    throw new InputError(`transfer syntax ${instance.transferSyntax} is not supported`, path);
  }
  const explicit = instance.transferSyntax !== '1.2.840.10008.1.2';
  at = state.readGroup(at, explicit, instance, 0, (tag) => tag === DICOM_TAG.pixelData);
  if (at === undefined) return undefined;
  if (!instance.pixelData && !whole) return undefined;
  return instance;
}

class Parser {
  constructor(
    private readonly buf: Buffer,
    private readonly path: string,
    private readonly whole: boolean,
  ) {}

  /**
   * Read elements from `at` until `stop(tag)` or the end of the buffer (or `end`). Returns the
   * position reached, or undefined when the buffer ran out before the file did.
   */
  readGroup(
    at: number,
    explicit: boolean,
    instance: DicomInstance,
    depth: number,
    stop: (tag: string) => boolean,
    end = this.buf.length,
  ): number | undefined {
    while (at < end) {
      if (at + 8 > this.buf.length) return this.more(at);
      const tag = this.tagAt(at);
      if (tag === 'FFFE,E00D' || tag === 'FFFE,E0DD') return at + 8;
      if (stop(tag)) {
        if (tag === DICOM_TAG.pixelData) this.notePixelData(at, explicit, instance);
        return at;
      }
      const head = this.elementHeader(at, explicit, tag);
      const valueAt = at + head.size;
      if (head.vr === 'SQ' || (head.length === UNDEFINED && head.vr !== 'OB')) {
        const next = this.readSequence(valueAt, head.length, explicit, instance, depth);
        if (next === undefined) return undefined;
        at = next;
        continue;
      }
      if (valueAt + head.length > this.buf.length) return this.more(at);
      this.store(instance, tag, head.vr, valueAt, head.length, depth);
      at = valueAt + head.length;
    }
    return at;
  }

  private readSequence(
    at: number,
    length: number,
    explicit: boolean,
    instance: DicomInstance,
    depth: number,
  ): number | undefined {
    const end = length === UNDEFINED ? this.buf.length : at + length;
    while (at < end) {
      if (at + 8 > this.buf.length) return this.more(at);
      const tag = this.tagAt(at);
      if (tag === 'FFFE,E0DD') return at + 8;
      if (tag !== 'FFFE,E000') this.fail(`expected a sequence item at byte ${at}, found ${tag}`);
      const itemLength = this.buf.readUInt32LE(at + 4);
      const itemEnd = itemLength === UNDEFINED ? this.buf.length : at + 8 + itemLength;
      const next = this.readGroup(at + 8, explicit, instance, depth + 1, () => false, itemEnd);
      if (next === undefined) return undefined;
      at = next;
    }
    return at;
  }

  private elementHeader(at: number, explicit: boolean, tag: string) {
    if (!explicit) {
      return { vr: IMPLICIT_VR[tag] ?? 'UN', length: this.buf.readUInt32LE(at + 4), size: 8 };
    }
    const vr = this.buf.toString('latin1', at + 4, at + 6);
    if (!/^[A-Z]{2}$/.test(vr)) this.fail(`bad value representation "${vr}" at byte ${at}`);
    if (LONG_VRS.has(vr)) {
      if (at + 12 > this.buf.length) this.more(at);
      return { vr, length: this.buf.readUInt32LE(at + 8), size: 12 };
    }
    return { vr, length: this.buf.readUInt16LE(at + 6), size: 8 };
  }

  private store(
    instance: DicomInstance,
    tag: string,
    vr: string,
    at: number,
    length: number,
    depth: number,
  ) {
    if (depth > 0 && instance.values.has(tag)) return;
    const raw = this.buf.subarray(at, at + length);
    let value: DicomValue | undefined;
    if (STRING_VRS.has(vr) || (vr === 'UN' && !IMPLICIT_VR[tag])) {
      value = raw.toString('latin1').replace(/[\0 ]+$/, '');
    } else if (vr === 'US')
      value = [...Array(length >> 1).keys()].map((i) => raw.readUInt16LE(i * 2));
    else if (vr === 'UL')
      value = [...Array(length >> 2).keys()].map((i) => raw.readUInt32LE(i * 4));
    if (value !== undefined && (depth === 0 || !instance.values.has(tag))) {
      instance.values.set(tag, value);
    }
  }

  private notePixelData(at: number, explicit: boolean, instance: DicomInstance) {
    const head = this.elementHeader(at, explicit, DICOM_TAG.pixelData);
    instance.pixelData = {
      offset: at + head.size,
      length: head.length,
      encapsulated: head.length === UNDEFINED,
    };
  }

  private tagAt(at: number): string {
    const group = this.buf.readUInt16LE(at).toString(16).toUpperCase().padStart(4, '0');
    const element = this.buf
      .readUInt16LE(at + 2)
      .toString(16)
      .toUpperCase()
      .padStart(4, '0');
    return `${group},${element}`;
  }

  private more(at: number): undefined {
    if (this.whole) this.fail(`truncated: the header ends inside an element at byte ${at}`);
    return undefined;
  }

  private fail(message: string): never {
    throw new InputError(message, this.path);
  }
}

/** A value as text (multi-valued strings keep their `\` separators). */
export function dicomString(instance: DicomInstance, tag: string): string | undefined {
  const value = instance.values.get(tag);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A numeric value: binary (US/UL) or decimal text (DS/IS), the `index`th of several. */
export function dicomNumber(instance: DicomInstance, tag: string, index = 0): number | undefined {
  const value = instance.values.get(tag);
  if (Array.isArray(value)) return value[index];
  if (typeof value !== 'string') return undefined;
  const n = Number(value.split('\\')[index]);
  return Number.isFinite(n) ? n : undefined;
}
