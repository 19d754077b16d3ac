import { createReadStream } from 'node:fs';
import { type XmlCursor, type XmlPart, type XmlVisitor, streamXml } from '../../src/io/xml.js';

/**
 * ASAP XML as raw elements: annotations with their coordinates, and groups with their
 * attributes, read the way ASAP's own `XmlRepository::loadFromRepo` reads them. Every child of
 * `Annotations` is an annotation and every child of `AnnotationGroups` a group, whatever its tag;
 * the root falls back to the document when `ASAP_Annotations` is missing.
 */
export interface RawCoordinate {
  order: string | undefined;
  x: string | undefined;
  y: string | undefined;
  line: number;
}

export interface RawAnnotation {
  /** Position among all annotations of the file, from 0. */
  index: number;
  tag: string;
  line: number;
  attributes: Record<string, string>;
  /** Empty when the visitor was told to skip this annotation's coordinates. */
  coordinates: RawCoordinate[];
}

export interface RawGroup {
  tag: string;
  line: number;
  attributes: Record<string, string>;
  /** The `Attributes/Attribute` key-value pairs. */
  properties: Record<string, string>;
}

export type AsapItem =
  | { kind: 'annotation'; value: RawAnnotation }
  | { kind: 'group'; value: RawGroup };

export const ROOT = 'ASAP_Annotations';

/** Which annotations need their coordinates (a first pass only needs a few). */
export type WantCoordinates = (attributes: Record<string, string>) => boolean;

/** A visitor for {@link streamXml} that emits annotations and groups as they close. */
export function asapVisitor(cursor: XmlCursor, want: WantCoordinates): XmlVisitor<AsapItem> {
  const stack: string[] = [];
  let annotationsDepth = -1;
  let groupsDepth = -1;
  let annotation: RawAnnotation | undefined;
  let collect = false;
  let group: RawGroup | undefined;
  let count = 0;

  const isContainer = (name: string, depth: number, expected: string) =>
    name === expected && (depth === 0 || (depth === 1 && stack[0] === ROOT));

  return {
    open(name, attributes) {
      const depth = stack.length;
      stack.push(name);
      if (annotationsDepth === -1 && isContainer(name, depth, 'Annotations')) {
        annotationsDepth = depth;
      } else if (groupsDepth === -1 && isContainer(name, depth, 'AnnotationGroups')) {
        groupsDepth = depth;
      } else if (depth === annotationsDepth + 1 && annotationsDepth >= 0) {
        const line = cursor.place().line;
        annotation = { index: count++, tag: name, line, attributes, coordinates: [] };
        collect = want(attributes);
      } else if (annotation && collect && depth === annotationsDepth + 3) {
        if (stack[annotationsDepth + 2] !== 'Coordinates') return;
        const { Order: order, X: x, Y: y } = attributes;
        annotation.coordinates.push({ order, x, y, line: cursor.place().line });
      } else if (depth === groupsDepth + 1 && groupsDepth >= 0) {
        group = { tag: name, line: cursor.place().line, attributes, properties: {} };
      } else if (group && depth === groupsDepth + 3 && stack[groupsDepth + 2] === 'Attributes') {
        Object.assign(group.properties, attributes);
      }
    },
    close(_name, emit) {
      const depth = stack.length - 1;
      stack.pop();
      if (annotation && depth === annotationsDepth + 1) {
        emit({ kind: 'annotation', value: annotation });
        annotation = undefined;
      } else if (group && depth === groupsDepth + 1) {
        emit({ kind: 'group', value: group });
        group = undefined;
      } else if (depth === annotationsDepth) {
        annotationsDepth = -2;
      } else if (depth === groupsDepth) {
        groupsDepth = -2;
      }
    },
  };
}

/** Stream the raw annotations and groups of a file, with coordinates where `want` says so. */
export function streamAsap(
  file: string,
  want: WantCoordinates,
  part?: XmlPart,
): AsyncGenerator<AsapItem> {
  return streamXml<AsapItem>(file, (cursor) => asapVisitor(cursor, want), part);
}

const GROUPS_TAG = Buffer.from('<AnnotationGroups');
/** Anything that could hide or fake the groups tag makes the quick path give up. */
const UNSAFE = ['<!--', '<![CDATA[', '<!DOCTYPE', '<?xml-stylesheet'].map((t) => Buffer.from(t));
const TAG_END = new Set([0x20, 0x09, 0x0a, 0x0d, 0x3e, 0x2f]);

/**
 * Where `<AnnotationGroups` starts, found by a byte search, so that reading the groups (which
 * ASAP writes last) does not parse the whole file twice. Undefined when the root is not
 * `ASAP_Annotations` or a comment, CDATA section or DOCTYPE comes first: then the caller parses
 * everything.
 */
export async function locateGroups(file: string): Promise<XmlPart | undefined> {
  let carry: Buffer = Buffer.alloc(0);
  let base = 0;
  let line = 1;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    if (base === 0 && !/<ASAP_Annotations[\s>]/.test(buf.toString('latin1', 0, 4096))) return;
    const at = findTag(buf);
    const end = at < 0 ? buf.length : at;
    if (UNSAFE.some((u) => inRange(buf.indexOf(u), end))) return;
    line += countNewlines(buf, carry.length, end);
    if (at >= 0) return { start: base - carry.length + at, prefix: '<ASAP_Annotations>', line };
    carry = buf.subarray(Math.max(0, buf.length - 32));
    base += (chunk as Buffer).length;
  }
  return undefined;
}

function findTag(buf: Buffer): number {
  for (let at = buf.indexOf(GROUPS_TAG); at >= 0; at = buf.indexOf(GROUPS_TAG, at + 1)) {
    const next = buf[at + GROUPS_TAG.length];
    if (next === undefined || TAG_END.has(next)) return at;
  }
  return -1;
}

function inRange(index: number, end: number): boolean {
  return index >= 0 && index < end;
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a, from); i >= 0 && i < to; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}
