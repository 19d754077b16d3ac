import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';

/**
 * Streams the items of large JSON arrays without holding the document in memory: the bytes are
 * scanned once for structure, each array item is cut out as text and parsed on its own. A
 * gigabyte GeoJSON or COCO file then needs memory for one feature at a time.
 *
 * It splits the root array, or the arrays under chosen keys of a root object; other top-level
 * members are returned whole (or skipped, for a first pass that only wants the small members).
 * Bare `NaN`/`Infinity` tokens, which QuPath ≤0.4 writes and `JSON.parse` rejects, are turned
 * into the strings "NaN", "Infinity" and "-Infinity" and the item is flagged.
 */
export type JsonScanEvent =
  | { kind: 'root'; type: 'object' | 'array' | 'scalar'; line: number }
  | { kind: 'item'; key: string; index: number; text: string; line: number; nonFinite: boolean }
  | { kind: 'member'; key: string; text: string; line: number; nonFinite: boolean };

export interface JsonScanOptions {
  /** Keys of the root object whose array values are split into items. */
  splitKeys: ReadonlySet<string>;
  /** Keys of the root object whose values are neither split nor returned. */
  skipKeys?: ReadonlySet<string>;
  /** Name used in error messages. */
  file: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const LETTER_N = 0x4e;
const LETTER_I = 0x49;

/** Bytes scanned at a time. */
const SLICE = 1 << 16;

/** Byte classes for {@link JsonScanner.skipNested}; 0 for every byte it can step over. */
const K_QUOTE = 1;
const K_OPEN = 2;
const K_CLOSE = 3;
const K_NEWLINE = 4;
const K_LETTER = 5;
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[QUOTE] = K_QUOTE;
BYTE_KIND[OPEN_OBJ] = K_OPEN;
BYTE_KIND[OPEN_ARR] = K_OPEN;
BYTE_KIND[CLOSE_OBJ] = K_CLOSE;
BYTE_KIND[CLOSE_ARR] = K_CLOSE;
BYTE_KIND[NEWLINE] = K_NEWLINE;
BYTE_KIND[LETTER_N] = K_LETTER;
BYTE_KIND[LETTER_I] = K_LETTER;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Scan a file; see {@link JsonScanEvent}. Items of split arrays are yielded in order. */
export async function* scanJsonFile(
  path: string,
  options: JsonScanOptions,
): AsyncGenerator<JsonScanEvent> {
  const scanner = new JsonScanner(options);
  // Larger reads (64 KiB ones left the process waiting on the disk), scanned in small slices:
  // every item of a slice is cut out before the first is used, and items kept alive that long
  // are copied by the garbage collector.
  const stream = createReadStream(path, { highWaterMark: 1 << 18 });
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    for (let at = 0; at < buffer.length; at += SLICE) {
      yield* scanner.push(buffer.subarray(at, at + SLICE));
    }
  }
  yield* scanner.end();
}

/** Where a capture (an item or a member value) is being collected. */
interface Capture {
  key: string;
  isItem: boolean;
  index: number;
  line: number;
  /** Depth at which the captured value starts. */
  depth: number;
  parts: Buffer[];
  start: number;
  nonFinite: boolean;
  keep: boolean;
}

class JsonScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private rootType: 'object' | 'array' | 'scalar' | undefined;
  /** Key of the current root-object member, while reading or after reading it. */
  private key = '';
  private keyBytes: number[] | undefined;
  private expectKey = false;
  /** Set while inside an array being split: depth of its items and the next index. */
  private splitDepth = -1;
  private splitKey = '';
  private itemIndex = 0;
  private capture: Capture | undefined;
  private readonly out: JsonScanEvent[] = [];

  constructor(private readonly options: JsonScanOptions) {}

  *push(buf: Buffer): Generator<JsonScanEvent> {
    this.scan(buf);
    if (this.capture) this.carry(buf);
    yield* this.drain();
  }

  *end(): Generator<JsonScanEvent> {
    if (this.rootType === undefined) {
      throw new InputError('the file is empty; expected JSON', this.options.file);
    }
    if (this.inString || this.depth > 0) {
      throw new InputError(
        `the JSON ends early (unclosed ${this.inString ? 'string' : 'object or array'})`,
        this.options.file,
        `line ${this.line}`,
      );
    }
    if (this.capture) this.finishCapture(Buffer.alloc(0), 0);
    yield* this.drain();
  }

  private *drain(): Generator<JsonScanEvent> {
    const events = this.out.splice(0);
    for (const event of events) yield event;
  }

  /** Keep the part of a capture that runs past this chunk. */
  private carry(buf: Buffer): void {
    const c = this.capture!;
    if (c.keep) c.parts.push(Buffer.from(buf.subarray(c.start)));
    c.start = 0;
  }

  private scan(buf: Buffer): void {
    const n = buf.length;
    for (let i = 0; i < n; i++) {
      const c = this.capture;
      if (c !== undefined && !this.inString && this.depth > c.depth) {
        i = this.skipNested(buf, i, c);
        if (i >= n) break;
      }
      const b = buf[i]!;
      if (b === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.closeString();
        else if (this.keyBytes) this.keyBytes.push(b);
        continue;
      }
      if (isSpace(b)) continue;
      if (this.rootType === undefined) this.openRoot(b);
      this.structural(buf, i, b);
    }
  }

  /**
   * Deep inside a captured value only brackets, strings, line breaks and NaN/Infinity matter,
   * so run through it in one tight loop. Stops at the bracket that closes back to the capture's
   * own depth (left for {@link structural}) or at the end of the chunk.
   */
  private skipNested(buf: Buffer, start: number, c: Capture): number {
    const n = buf.length;
    const last = c.depth + 1;
    let depth = this.depth;
    let line = this.line;
    let i = start;
    for (; i < n; i++) {
      const kind = BYTE_KIND[buf[i]!]!;
      if (kind === 0) continue;
      if (kind === K_QUOTE) {
        for (i++; i < n; i++) {
          const b = buf[i]!;
          if (b === QUOTE) break;
          if (b === BACKSLASH) i++;
        }
        if (i >= n) {
          // The string runs on into the next chunk, possibly right after a backslash.
          this.inString = true;
          this.escaped = i > n;
          break;
        }
      } else if (kind === K_OPEN) depth++;
      else if (kind === K_CLOSE) {
        if (depth === last) break;
        depth--;
      } else if (kind === K_NEWLINE) line++;
      else c.nonFinite = true;
    }
    this.depth = depth;
    this.line = line;
    return i;
  }

  private openRoot(b: number): void {
    this.rootType = b === OPEN_OBJ ? 'object' : b === OPEN_ARR ? 'array' : 'scalar';
    this.out.push({ kind: 'root', type: this.rootType, line: this.line });
    if (this.rootType === 'array') {
      this.splitDepth = 1;
      this.splitKey = '';
    }
  }

  private structural(buf: Buffer, i: number, b: number): void {
    if (this.startsValue(b)) this.startCapture(i);
    if (this.capture && (b === LETTER_N || b === LETTER_I)) this.capture.nonFinite = true;

    if (b === QUOTE) {
      this.inString = true;
      if (this.depth === 1 && this.rootType === 'object' && this.expectKey) this.keyBytes = [];
    } else if (b === OPEN_OBJ || b === OPEN_ARR) {
      this.depth++;
      if (this.depth === 1 && b === OPEN_OBJ) this.expectKey = true;
      if (this.depth === 2 && b === OPEN_ARR && this.rootType === 'object') this.maybeSplit();
    } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
      // A scalar item or member ends just before the bracket that closes its container.
      if (this.capture && this.depth === this.capture.depth) this.finishCapture(buf, i);
      this.depth--;
      if (this.capture && this.depth === this.capture.depth) this.finishCapture(buf, i + 1);
      if (this.depth === 1 && this.splitDepth === 2) this.splitDepth = -1;
      if (this.depth < 0) this.fail('a closing bracket without an opening one');
    } else if (b === COMMA) {
      if (this.capture && this.depth === this.capture.depth) this.finishCapture(buf, i);
      if (this.depth === 1 && this.rootType === 'object') this.expectKey = true;
    } else if (b === COLON) {
      if (this.depth === 1) this.expectKey = false;
    }
  }

  /** True for a byte that begins a value at the current position. */
  private startsValue(b: number): boolean {
    if (this.capture) return false;
    if (b === COMMA || b === COLON || b === CLOSE_OBJ || b === CLOSE_ARR) return false;
    if (this.splitDepth > 0 && this.depth === this.splitDepth) return true;
    return this.rootType === 'object' && this.depth === 1 && !this.expectKey;
  }

  private startCapture(i: number): void {
    const isItem = this.splitDepth > 0 && this.depth === this.splitDepth;
    // A member whose value is a split array is not captured whole; its items are.
    if (!isItem && this.options.splitKeys.has(this.key)) return;
    this.capture = {
      key: isItem ? this.splitKey : this.key,
      isItem,
      index: isItem ? this.itemIndex++ : 0,
      line: this.line,
      depth: this.depth,
      parts: [],
      start: i,
      nonFinite: false,
      keep: isItem || !this.options.skipKeys?.has(this.key),
    };
  }

  private maybeSplit(): void {
    if (!this.options.splitKeys.has(this.key)) return;
    this.splitDepth = 2;
    this.splitKey = this.key;
    this.itemIndex = 0;
  }

  private closeString(): void {
    this.inString = false;
    if (this.keyBytes) {
      this.key = Buffer.from(this.keyBytes).toString('utf8');
      this.keyBytes = undefined;
    }
  }

  private finishCapture(buf: Buffer, end: number): void {
    const c = this.capture!;
    this.capture = undefined;
    if (!c.keep) return;
    const tail = buf.subarray(c.start, end);
    const bytes = c.parts.length === 0 ? tail : Buffer.concat([...c.parts, tail]);
    let text = bytes.toString('utf8').trim();
    if (c.nonFinite) text = quoteNonFinite(text);
    this.out.push(
      c.isItem
        ? { kind: 'item', key: c.key, index: c.index, text, line: c.line, nonFinite: c.nonFinite }
        : { kind: 'member', key: c.key, text, line: c.line, nonFinite: c.nonFinite },
    );
  }

  private fail(what: string): never {
    throw new InputError(`malformed JSON: ${what}`, this.options.file, `line ${this.line}`);
  }
}

/**
 * Replace bare NaN, Infinity and -Infinity tokens outside strings by quoted strings. Returns the
 * text unchanged when there are none (the scanner only flags candidates).
 */
export function quoteNonFinite(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
      continue;
    }
    if (ch === QUOTE) {
      inString = true;
      continue;
    }
    const token = nonFiniteAt(text, i);
    if (!token) continue;
    const start = token.startsWith('-') ? i - 1 : i;
    out += `${text.slice(last, start)}"${token}"`;
    last = start + token.length;
    i = last - 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

function nonFiniteAt(text: string, i: number): string | undefined {
  if (text.startsWith('NaN', i)) return 'NaN';
  if (!text.startsWith('Infinity', i)) return undefined;
  return text[i - 1] === '-' ? '-Infinity' : 'Infinity';
}
