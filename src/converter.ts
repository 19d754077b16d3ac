import type { Logger } from './log.js';
import type { LossReport } from './loss.js';
import type { Messages } from './messages.js';
import type { CanonicalRecord, Geometry, RecordStream } from './model/types.js';

/**
 * The seam every format folder under `converters/` fills: a metadata object with content
 * sniffing, a streaming reader into canonical records and a streaming writer out of them.
 */

/** What a format can hold; `slidepack formats` prints this table. */
export interface Capabilities {
  geometries: Geometry['type'][];
  holes: boolean;
  classes: 'none' | 'flat' | 'hierarchical';
  perAnnotatorLabels: boolean;
  measurements: boolean;
  objectKinds: boolean;
  colors: boolean;
  names: boolean;
  groups: boolean;
  micronsPerPixel: boolean;
  deletedFlag: boolean;
}

/** First bytes of a file plus its path, for content sniffing. */
export interface SniffInput {
  path: string;
  /** Up to the first 64 KiB. */
  head: Buffer;
}

export interface SniffResult {
  match: boolean;
  /** Why it matched or not, in words for `slidepack detect`. */
  reason: string;
  /** 0–1; the highest match wins when several formats accept a file. */
  confidence?: number;
  version?: string;
}

/** One option a converter adds to `slidepack convert`; registered with yargs as is. */
export interface ConverterOption {
  describe: string;
  type: 'string' | 'number' | 'boolean' | 'array';
  choices?: readonly string[];
  default?: unknown;
}

export interface FormatInfo {
  id: string;
  name: string;
  extensions: readonly string[];
  mediaType: string;
  /** False for formats that hold one slide per file (QuPath, ASAP, ImageScope). */
  multiSlide: boolean;
  /** True when the writer needs a real file path (SQLite), not a stream. */
  binary: boolean;
  capabilities: Capabilities;
  sniff(input: SniffInput): Promise<SniffResult> | SniffResult;
}

/** Shared context for one conversion. */
export interface ConvertContext {
  messages: Messages;
  logger: Logger;
  /** All options from the command line, converter options included, by their long name. */
  options: Record<string, unknown>;
  /** The conversion's loss report, where readers note what they changed on the way in. */
  loss?: LossReport;
}

export interface ReadInput {
  path: string;
  /** Slide id for one-slide-per-file formats: from `--slide`, else from the file name. */
  slide?: string;
}

export interface WriteTarget {
  /** File path, or `-` for stdout. */
  path: string;
}

/** A writer receives records one at a time; `end` commits the file, `abort` removes it. */
export interface RecordWriter {
  write(record: CanonicalRecord): Promise<void> | void;
  end(): Promise<void>;
  abort(): Promise<void>;
}

export interface WriteContext extends ConvertContext {
  loss: LossReport;
}

export interface Converter {
  format: FormatInfo;
  /** Extra command-line options this format reads, keyed by long option name. */
  options?: Record<string, ConverterOption>;
  read?(input: ReadInput, context: ConvertContext): RecordStream;
  createWriter?(target: WriteTarget, context: WriteContext): Promise<RecordWriter>;
}
