import type { Messages, Severity } from '../../src/messages.js';
import type { AnnotationObject, CanonicalRecord, ObjectKind } from '../../src/model/types.js';
import { ClassRegistry, readClassification, readColor } from './classification.js';
import { GEOMETRY_TYPES, isObject, type Report, readGeometry, unknownMembers } from './geometry.js';
import { readMeasurements, readMetadata } from './properties.js';
import { isLegacyId, isUuid, LEGACY_IDS, noSignals } from './version.js';

/** Where a feature sits in the file, for messages and fallback ids. */
export interface FeaturePlace {
  /** Index of the top-level item (feature) the value belongs to. */
  index: number;
  /** JSON pointer of the value. */
  at: string;
  line: number;
  /** Id used when the feature has no usable `id`: `f<index>`, `f<index>.<child>`. */
  fallbackId: string;
  /** True when the item held bare NaN/Infinity tokens (already turned into strings). */
  bareNonFinite: boolean;
}

const FEATURE_MEMBERS = new Set(['type', 'id', 'geometry', 'properties', 'nucleusGeometry']);
const PROPERTY_MEMBERS = new Set([
  'objectType',
  'object_type',
  'name',
  'color',
  'classification',
  'isLocked',
  'isMissing',
  'measurements',
  'metadata',
  'childObjects',
  'children',
]);

const OBJECT_TYPES: Record<string, ObjectKind> = {
  annotation: 'annotation',
  detection: 'detection',
  cell: 'cell',
  tile: 'tile',
  tmaCore: 'tmaCore',
  tma_core: 'tmaCore',
  root: 'root',
};

/**
 * Turns parsed QuPath features into canonical records: the class records an object needs
 * first, then the object, then its child objects with `parent` links.
 */
export class FeatureReader {
  readonly signals = noSignals();
  private readonly classes = new ClassRegistry();
  /** Non-UUID ids seen so far; UUIDs are unique by construction and are not remembered. */
  private readonly plainIds = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly slide: string,
    private readonly messages: Messages,
  ) {}

  /** One top-level item: a Feature, a bare geometry, or a nested collection or array. */
  readItem(value: unknown, place: FeaturePlace, out: CanonicalRecord[]): void {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries())
        this.readItem(v, nested(place, `${place.at}/${i}`, i), out);
    } else if (isObject(value) && value.type === 'Feature') {
      this.readFeature(value, place, undefined, out);
    } else if (
      isObject(value) &&
      value.type === 'FeatureCollection' &&
      Array.isArray(value.features)
    ) {
      const at = `${place.at}/features`;
      for (const [i, v] of value.features.entries()) {
        this.readItem(v, nested(place, `${at}/${i}`, i), out);
      }
    } else if (isObject(value) && (GEOMETRY_TYPES as readonly unknown[]).includes(value.type)) {
      this.readFeature(
        { type: 'Feature', geometry: value },
        { ...place, at: place.at },
        undefined,
        out,
        true,
      );
    } else {
      const what = isObject(value) ? `"type": ${JSON.stringify(value.type)}` : typeof value;
      this.reporter('warning', place)(place.at, `not a Feature or geometry (${what}); skipped`);
    }
  }

  readFeature(
    f: Record<string, unknown>,
    place: FeaturePlace,
    parent: string | undefined,
    out: CanonicalRecord[],
    bare = false,
  ): void {
    const error = this.reporter('error', place);
    const warn = this.reporter('warning', place);
    const props = this.properties(f, place, warn);
    const at = bare ? place.at : `${place.at}/geometry`;
    if (f.geometry === null || f.geometry === undefined) {
      warn(at, 'the feature has no geometry, which QuPath needs; skipped');
      return;
    }
    const geometry = readGeometry(f.geometry, at, error);
    const nucleus =
      f.nucleusGeometry === undefined
        ? undefined
        : readGeometry(f.nucleusGeometry, `${place.at}/nucleusGeometry`, error);
    if (!geometry || (f.nucleusGeometry !== undefined && !nucleus)) return;
    if (geometry.geometry.type === 'ellipse') this.signals.isEllipse = true;

    const { id, sourceId } = this.objectId(f.id, place, warn);
    const object: AnnotationObject = {
      type: 'object',
      id,
      slide: this.slide,
      kind: this.kindOf(props, f.id, place, warn),
      geometry: geometry.geometry,
    };
    if (nucleus) object.nucleus = nucleus.geometry;
    if (geometry.plane) object.plane = geometry.plane;
    const extras: Record<string, unknown> = {};
    if (geometry.extras) extras.geometry = geometry.extras;
    const featureExtras = unknownMembers(f, FEATURE_MEMBERS);
    if (featureExtras) extras.feature = featureExtras;
    if (!this.applyProperties(object, props, place, extras, out)) return;
    if (sourceId !== undefined) object.sourceIds = { 'qupath-geojson': sourceId };
    if (parent) object.parent = parent;
    if (Object.keys(extras).length) object.extras = { 'qupath-geojson': extras };
    out.push(object);
    this.readChildren(props, place, id, out);
  }

  /** Name, colour, class, flags, measurements and metadata; false when the class is refused. */
  private applyProperties(
    object: AnnotationObject,
    props: Record<string, unknown>,
    place: FeaturePlace,
    extras: Record<string, unknown>,
    out: CanonicalRecord[],
  ): boolean {
    const at = `${place.at}/properties`;
    const warn = this.reporter('warning', place);
    if (typeof props.name === 'string') object.name = props.name;
    if (props.color !== undefined) {
      const color = readColor(props.color, `${at}/color`, warn);
      if (color) object.color = color;
    }
    if (props.classification !== undefined && props.classification !== null) {
      let refused = false;
      const error = this.reporter('error', place);
      const report: Report = (...args) => {
        refused = true;
        error(...args);
      };
      const read = readClassification(
        props.classification,
        `${at}/classification`,
        report,
        this.signals,
      );
      if (refused) return false;
      if (read) object.class = this.classes.register(read, out, extras);
    }
    if (props.isLocked === true) object.flags = { locked: true };
    if (props.isMissing === true) object.flags = { ...object.flags, missing: true };
    const measurements = readMeasurements(props, at, warn, place.bareNonFinite, this.signals);
    // An empty list or map is how 0.2/0.3 say "none"; canonical leaves the member out.
    if (measurements && hasKeys(measurements.values)) object.measurements = measurements.values;
    if (props.metadata !== undefined) {
      const metadata = readMetadata(props.metadata, `${at}/metadata`, warn);
      if (metadata && hasKeys(metadata)) object.metadata = metadata;
    }
    const known = measurements?.flattened ?? PROPERTY_MEMBERS;
    const rest = unknownMembers(props, known);
    if (rest) extras.properties = rest;
    return true;
  }

  private properties(f: Record<string, unknown>, place: FeaturePlace, warn: Report) {
    if (isObject(f.properties)) return f.properties;
    if (f.properties !== undefined && f.properties !== null) {
      warn(
        `${place.at}/properties`,
        'properties is not an object; ignored',
        'an object',
        f.properties,
      );
    }
    return {};
  }

  private readChildren(
    props: Record<string, unknown>,
    place: FeaturePlace,
    id: string,
    out: CanonicalRecord[],
  ) {
    const key = props.childObjects !== undefined ? 'childObjects' : 'children';
    const children = props[key];
    if (children === undefined) return;
    const at = `${place.at}/properties/${key}`;
    if (!Array.isArray(children)) {
      this.reporter('warning', place)(at, 'child objects are not an array; ignored', 'an array');
      return;
    }
    children.forEach((child, i) => {
      const childPlace = nested(place, `${at}/${i}`, i);
      if (isObject(child)) this.readFeature(child, childPlace, id, out);
      else
        this.reporter('warning', childPlace)(
          childPlace.at,
          'a child object is not a Feature; skipped',
        );
    });
  }

  private objectId(raw: unknown, place: FeaturePlace, warn: Report) {
    const value = typeof raw === 'number' ? String(raw) : raw;
    if (typeof value !== 'string' || value === '') return { id: place.fallbackId };
    if (isLegacyId(value)) {
      this.signals.legacyId = true;
      return { id: place.fallbackId, sourceId: value };
    }
    if (isUuid(value)) {
      this.signals.uuid = true;
      return { id: value, sourceId: value };
    }
    if (this.plainIds.has(value)) {
      warn(`${place.at}/id`, `the id "${value}" repeats; using ${place.fallbackId} instead`);
      return { id: place.fallbackId, sourceId: value };
    }
    this.plainIds.add(value);
    return { id: value, sourceId: value };
  }

  private kindOf(
    props: Record<string, unknown>,
    rawId: unknown,
    place: FeaturePlace,
    warn: Report,
  ) {
    if (props.objectType !== undefined) this.signals.camelType = true;
    else if (props.object_type !== undefined) this.signals.snakeType = true;
    const type = props.objectType ?? props.object_type;
    if (typeof type === 'string') {
      const kind = OBJECT_TYPES[type];
      if (kind) return kind;
      warn(
        `${place.at}/properties/objectType`,
        'unknown object type; read as an annotation',
        Object.keys(OBJECT_TYPES).join(', '),
        type,
      );
    }
    return isLegacyId(rawId) ? LEGACY_IDS[rawId] : 'annotation';
  }

  private reporter(severity: Severity, place: FeaturePlace): Report {
    return (pointer, message, expected, actual) => {
      this.messages.add({
        severity,
        ruleId: severity === 'error' ? 'qupath/invalid' : 'qupath/ignored',
        message,
        file: this.file,
        place: `feature ${place.index} at ${pointer}, line ${place.line}`,
        ...(expected === undefined ? {} : { expected }),
        ...(actual === undefined ? {} : { actual: show(actual) }),
      });
    };
  }
}

function hasKeys(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

function nested(place: FeaturePlace, at: string, i: number): FeaturePlace {
  return { ...place, at, fallbackId: `${place.fallbackId}.${i}` };
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
