import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import sax from 'sax';
import { InputError } from '../errors.js';
import type { Messages } from '../messages.js';

/**
 * Safe, streaming XML reading for the XML annotation formats (ASAP, Aperio ImageScope), plus the
 * number and text formatting their writers share.
 *
 * The parser is sax in strict mode: it never loads a DTD or an external entity and never expands
 * entities declared in a DOCTYPE. On top of that, a DOCTYPE that declares entities is refused as
 * soon as it has been read, so an entity-expansion bomb or an external entity pointing at a local
 * file fails fast with a message naming the file and line. Element events are handed to a visitor
 * chunk by chunk, so a file of any size is read in bounded memory.
 */
export interface XmlPlace {
  line: number;
  column: number;
}

/** Receives element events; `emit` queues an item for the generator that is reading. */
export interface XmlVisitor<T> {
  open(name: string, attributes: Record<string, string>, emit: (item: T) => void): void;
  close?(name: string, emit: (item: T) => void): void;
}

/** The handle a visitor uses to ask where the parser is (1-based line and column). */
export interface XmlCursor {
  place(): XmlPlace;
  /** `line N` for messages. */
  where(): string;
}

/**
 * Read only the tail of a file from byte `start` (an element boundary), after feeding `prefix`
 * (the open tag of the root); `line` is the line `start` is on, for messages.
 */
export interface XmlPart {
  start?: number;
  prefix?: string;
  line?: number;
}

const CHUNK = 1 << 18;
/** A DOCTYPE longer than this is refused: annotation files have no use for one. */
const MAX_DOCTYPE = 64 * 1024;

/**
 * Stream the elements of an XML file through a visitor and yield what it emits. Malformed XML,
 * a DOCTYPE with entity declarations and a missing root element throw {@link InputError}.
 */
export async function* streamXml<T>(
  path: string,
  makeVisitor: (cursor: XmlCursor) => XmlVisitor<T>,
  part: XmlPart = {},
): AsyncGenerator<T> {
  const queue: T[] = [];
  const emit = (item: T) => queue.push(item);
  const parser = sax.parser(true, { position: true });
  const cursor = cursorOf(parser, (part.line ?? 1) - 1);
  const visitor = makeVisitor(cursor);
  let sawRoot = false;
  parser.onopentag = (node) => {
    sawRoot = true;
    visitor.open(node.name, node.attributes as Record<string, string>, emit);
  };
  if (visitor.close) parser.onclosetag = (name) => visitor.close!(name, emit);
  parser.ondoctype = (text) => checkDoctype(text, path, cursor);
  parser.onerror = (error) => {
    throw malformed(error, parser, path, cursor);
  };

  const encoding = await detectEncoding(path);
  const stream = createReadStream(path, { encoding, highWaterMark: CHUNK, start: part.start ?? 0 });
  if (part.prefix) parser.write(part.prefix);
  let first = part.start === undefined;
  for await (const chunk of stream as AsyncIterable<string>) {
    parser.write(first ? chunk.replace(/^\uFEFF/, '') : chunk);
    first = false;
    guardOpenDoctype(parser, path, cursor);
    yield* drain(queue);
  }
  parser.close();
  yield* drain(queue);
  if (!sawRoot) throw new InputError('the file has no XML root element', path);
}

function* drain<T>(queue: T[]): Generator<T> {
  for (let i = 0; i < queue.length; i++) yield queue[i]!;
  queue.length = 0;
}

function cursorOf(parser: sax.SAXParser, lineOffset: number): XmlCursor {
  const place = () => ({ line: parser.line + 1 + lineOffset, column: parser.column + 1 });
  return { place, where: () => `line ${place().line}` };
}

function checkDoctype(text: string, path: string, cursor: XmlCursor): void {
  if (/<!ENTITY/i.test(text)) {
    throw new InputError(
      'the DOCTYPE declares entities (<!ENTITY …>); they are refused because entity ' +
        'expansion can exhaust memory and external entities can read local files',
      path,
      cursor.where(),
    );
  }
}

/** Fail on a DOCTYPE still being read that already declares entities or grows too large. */
function guardOpenDoctype(parser: sax.SAXParser, path: string, cursor: XmlCursor): void {
  const doctype = (parser as unknown as { doctype?: unknown }).doctype;
  if (typeof doctype !== 'string') return;
  checkDoctype(doctype, path, cursor);
  if (doctype.length > MAX_DOCTYPE) {
    throw new InputError(
      `the DOCTYPE is longer than ${MAX_DOCTYPE} characters`,
      path,
      cursor.where(),
    );
  }
}

function malformed(
  error: Error,
  parser: sax.SAXParser,
  path: string,
  cursor: XmlCursor,
): InputError {
  const { line, column } = cursor.place();
  const reason = explain(error.message.split('\n')[0] ?? 'parse error', parser);
  return new InputError(`not well-formed XML: ${reason}`, path, `line ${line}, column ${column}`);
}

const PREDEFINED = '&amp; &lt; &gt; &quot; &apos; or a numeric reference like &#233;';

/** sax's reason in plain words, naming the entity when an entity is at fault. */
function explain(reason: string, parser: sax.SAXParser): string {
  // sax still holds the entity name being read when it reports it.
  const entity = (parser as unknown as { entity?: string }).entity ?? '';
  if (reason === 'Invalid character entity' && entity) {
    return `the entity &${entity}; is not defined; use ${PREDEFINED}`;
  }
  if (reason === 'Invalid character in entity name') {
    return `"&${entity}" does not start an entity reference; write a plain & as &amp;`;
  }
  return reason;
}

/** The text encoding from a byte-order mark or the XML declaration; UTF-8 when neither says. */
async function detectEncoding(path: string): Promise<BufferEncoding> {
  const handle = await open(path, 'r').catch(() => {
    throw new InputError('cannot read the file', path);
  });
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
    const declared = /encoding\s*=\s*["']([^"']+)["']/i.exec(head.toString('latin1', 0, bytesRead));
    const name = declared?.[1]?.toLowerCase() ?? 'utf-8';
    if (['iso-8859-1', 'latin1', 'windows-1252', 'us-ascii'].includes(name)) return 'latin1';
    if (name === 'utf-16' || name === 'utf-16le') return 'utf16le';
    return 'utf8';
  } finally {
    await handle.close();
  }
}

/** Escape text for a double-quoted XML attribute value (newlines and tabs kept as references). */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"\n\r\t]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

/** `name="value" …` for an attribute map, in the map's order. */
export function attributeText(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([name, value]) => `${name}="${escapeAttribute(value)}"`)
    .join(' ');
}

/**
 * Decimal text for a coordinate a float32 reader (ASAP) will hold: the number's own shortest
 * text when that has at most 9 significant digits and means the same float32, otherwise the
 * shortest text of its float32 value. Never in exponent form. `Number(text) !== value` tells
 * the caller the value was rounded.
 */
export function formatFloat32(value: number): string {
  const f = Math.fround(value);
  if (f === 0) return '0';
  const own = plainNumber(value);
  if (significantDigits(own) <= 9 && Math.fround(Number(own)) === f) return own;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return plainNumber(candidate);
  }
  return plainNumber(f);
}

function significantDigits(text: string): number {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  return text.includes('.') ? digits.length : digits.replace(/0+$/, '').length;
}

/** A finite number as decimal text without an exponent. */
export function plainNumber(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  const fixed = value.toFixed(20).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

export type NumberParse =
  | { ok: true; value: number; decimalComma: boolean }
  | { ok: false; decimalComma: boolean };

/**
 * Read a coordinate written as text. A single comma and no dot (`1234,5`) is a decimal comma,
 * as a program running under a German or French C locale writes it; it is read as a decimal
 * point only when `repairComma` is set, and flagged either way.
 */
export function parseDecimal(text: string | undefined, repairComma: boolean): NumberParse {
  if (text === undefined) return { ok: false, decimalComma: false };
  const trimmed = text.trim();
  const decimalComma = /^[+-]?\d*,\d+$|^[+-]?\d+,\d*$/.test(trimmed);
  const candidate = decimalComma && repairComma ? trimmed.replace(',', '.') : trimmed;
  if (candidate === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(candidate)) {
    return { ok: false, decimalComma };
  }
  return { ok: true, value: Number(candidate), decimalComma };
}

/** Where a coordinate number was read, for messages: `<prefix>/not-a-number` and so on. */
export interface NumberSite {
  file: string;
  line: number;
  messages: Messages;
  repairComma: boolean;
  /** Rule id prefix: the format id's short form, e.g. `asap`. */
  rule: string;
}

/**
 * A coordinate as a finite number, or undefined after an error message naming the file, line
 * and attribute. A decimal comma is an error unless `repairComma`; `comma` says one was seen.
 */
export function readCoordinate(text: string | undefined, axis: string, site: NumberSite) {
  const parsed = parseDecimal(text, site.repairComma);
  if (parsed.ok && Number.isFinite(parsed.value)) {
    return { value: parsed.value, comma: parsed.decimalComma };
  }
  const where = { file: site.file, place: `line ${site.line}` };
  if (parsed.decimalComma) {
    site.messages.error(
      `${site.rule}/decimal-comma`,
      `${axis}="${text}" uses a decimal comma; pass --repair-decimal-comma to read it as a point`,
      { ...where, expected: 'a decimal point' },
    );
  } else {
    site.messages.error(`${site.rule}/not-a-number`, `${axis} is not a number`, {
      ...where,
      expected: 'a decimal number',
      actual: text === undefined ? 'no attribute' : JSON.stringify(text),
    });
  }
  return { value: undefined, comma: parsed.decimalComma };
}
