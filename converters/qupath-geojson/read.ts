import { basename, extname } from 'node:path';
import type { ConvertContext, ReadInput } from '../../src/converter.js';
import { InputError } from '../../src/errors.js';
import { type JsonScanEvent, scanJsonFile } from '../../src/io/json-stream.js';
import { Messages } from '../../src/messages.js';
import type { CanonicalRecord, DatasetHeader, RecordStream, Slide } from '../../src/model/types.js';
import { type FeaturePlace, FeatureReader } from './feature.js';
import { GEOMETRY_TYPES } from './geometry.js';
import { versionOf, versionSettled } from './version.js';

const FEATURES = new Set(['features']);

/** Objects looked at to judge the version style. */
const PROBE_OBJECTS = 1000;

/**
 * Read a QuPath GeoJSON file as a stream: a FeatureCollection, a bare array of Features, a
 * single Feature or a bare geometry, in any version style from 0.2 to 0.6. Features are cut out
 * of the file one at a time, so memory does not grow with the file.
 */
export async function* readQupath(input: ReadInput, context: ConvertContext): RecordStream {
  const slide = input.slide ?? basename(input.path, extname(input.path));
  yield header(input.path, await probeVersion(input.path, slide));
  yield slideRecord(slide);
  const reader = new FeatureReader(input.path, slide, context.messages);
  yield* recordsOf(input.path, reader, context.messages);
}

/**
 * The version style, judged from the first objects in a pass of its own that keeps nothing.
 * Holding those objects back instead made V8 move every later object to the old generation.
 */
async function probeVersion(path: string, slide: string): Promise<string | undefined> {
  // LIMITATION: the version style is judged from the first 1000 objects only.
  const scratch = new Messages();
  const reader = new FeatureReader(path, slide, scratch);
  let objects = 0;
  for await (const record of recordsOf(path, reader, scratch)) {
    if (record.type === 'object' && ++objects >= PROBE_OBJECTS) break;
    if (versionSettled(reader.signals)) break;
  }
  return versionOf(reader.signals);
}

function header(file: string, version: string | undefined): DatasetHeader {
  const source = version
    ? { format: 'qupath-geojson', version, file }
    : { format: 'qupath-geojson', file };
  return { type: 'dataset', schema: 'slidepack.canonical/1', sources: [source] };
}

function slideRecord(id: string): Slide {
  return {
    type: 'slide',
    id,
    name: id,
    frame: { origin: 'bounds-cropped', pixelConvention: 'corner' },
  };
}

/** Records of every feature in file order; a broken file ends with an error message. */
async function* recordsOf(
  file: string,
  reader: FeatureReader,
  messages: Messages,
): AsyncGenerator<CanonicalRecord> {
  const out: CanonicalRecord[] = [];
  const root = new RootObject();
  let items = 0;
  try {
    for await (const event of scanJsonFile(file, { splitKeys: FEATURES, file })) {
      if (event.kind === 'root') root.type = event.type;
      else if (event.kind === 'member') root.add(event, file, messages);
      else {
        items++;
        readItem(event, reader, items <= PROBE_OBJECTS, file, messages, out);
        yield* out;
        out.length = 0;
      }
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    messages.error('qupath/json', `${bareMessage(error)}; the file is truncated or not JSON`, {
      file,
      place: `${error.place ?? 'line 1'}, after ${items} feature(s)`,
    });
    return;
  }
  root.finish(reader, file, messages, out);
  yield* out;
}

function readItem(
  event: Extract<JsonScanEvent, { kind: 'item' }>,
  reader: FeatureReader,
  watch: boolean,
  file: string,
  messages: Messages,
  out: CanonicalRecord[],
): void {
  const at = event.key ? `/${event.key}/${event.index}` : `/${event.index}`;
  const place: FeaturePlace = {
    index: event.index,
    at,
    line: event.line,
    fallbackId: `f${event.index}`,
    bareNonFinite: event.nonFinite,
  };
  const value = parse(event.text, place, file, messages);
  if (value === undefined) return;
  if (event.nonFinite) reader.signals.bareNonFinite = true;
  if (watch && event.text.indexOf('"metadata"') !== event.text.lastIndexOf('"metadata"')) {
    reader.signals.duplicateMetadata = true;
  }
  reader.readItem(value, place, out);
}

function parse(text: string, place: FeaturePlace, file: string, messages: Messages): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    messages.error('qupath/json', `not valid JSON: ${(error as Error).message}`, {
      file,
      place: `feature ${place.index} at ${place.at}, line ${place.line}`,
    });
    return undefined;
  }
}

/** The members of a root object: a FeatureCollection's, or a single Feature or geometry. */
class RootObject {
  type: 'object' | 'array' | 'scalar' | undefined;
  private readonly members: Record<string, unknown> = {};
  private nonFinite = false;
  private broken = false;

  add(event: Extract<JsonScanEvent, { kind: 'member' }>, file: string, messages: Messages) {
    try {
      this.members[event.key] = JSON.parse(event.text);
      if (event.nonFinite) this.nonFinite = true;
    } catch (error) {
      this.broken = true;
      messages.error('qupath/json', `not valid JSON: ${(error as Error).message}`, {
        file,
        place: `/${event.key}, line ${event.line}`,
      });
    }
  }

  finish(reader: FeatureReader, file: string, messages: Messages, out: CanonicalRecord[]): void {
    if (this.type !== 'object') {
      if (this.type === 'array') return;
      messages.error('qupath/not-geojson', 'the file is not JSON: it does not start with { or [', {
        file,
        place: 'line 1',
        expected: 'a GeoJSON FeatureCollection, Feature, array of Features or geometry',
      });
      return;
    }
    const type = this.members.type;
    if (type === 'FeatureCollection' || this.broken) return;
    if (type === 'Feature' || (GEOMETRY_TYPES as readonly unknown[]).includes(type)) {
      if (this.nonFinite) reader.signals.bareNonFinite = true;
      const place = { index: 0, at: '', line: 1, fallbackId: 'f0', bareNonFinite: this.nonFinite };
      reader.readItem(this.members, place, out);
      return;
    }
    messages.error('qupath/not-geojson', 'the root object is not GeoJSON', {
      file,
      place: '/type',
      expected: '"FeatureCollection", "Feature" or a geometry type',
      actual: JSON.stringify(type) ?? 'no "type"',
    });
  }
}

/** An InputError's text without the "file (place): " prefix it adds. */
function bareMessage(error: InputError): string {
  const prefix = error.file ? `${error.file}${error.place ? ` (${error.place})` : ''}: ` : '';
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
