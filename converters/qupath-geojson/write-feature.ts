import { createHash } from 'node:crypto';
import type { LossReport } from '../../src/loss.js';
import { nonFiniteName } from '../../src/model/serialize.js';
import type {
  AnnotationClass,
  AnnotationObject,
  Color,
  ObjectKind,
} from '../../src/model/types.js';
import { classId, packArgb, splitClassName } from './classification.js';
import { isObject } from './geometry.js';
import { GeometryWriter } from './write-geometry.js';
import { isLegacyId, LEGACY_IDS, type LegacyId } from './version.js';

/** The QuPath versions a file can be written for; 0.4, 0.5 and 0.6 share one style. */
export const QUPATH_VERSIONS = ['0.2', '0.3', '0.4', '0.5', '0.6'] as const;
export type QupathVersion = (typeof QUPATH_VERSIONS)[number];

/**
 * Per-annotator labels go into metadata as `label: <annotator id>` → class id, several votes of
 * one annotator joined by "; ", and a vote without a class written as "(no class)".
 */
export const LABEL_KEY_PREFIX = 'label: ';
export const NO_CLASS = '(no class)';

const LEGACY_NAMES = Object.fromEntries(
  Object.entries(LEGACY_IDS).map(([name, kind]) => [kind, name]),
) as Record<string, LegacyId>;

const FORMAT = 'qupath-geojson';

/**
 * One canonical object as a QuPath Feature in the spelling of the target version:
 * 0.2 class-name `id`, 0.3 `object_type` and `colorRGB`, measurement lists before 0.4;
 * 0.4+ UUID `id`, `objectType`, `classification.color` and measurement maps. Non-finite
 * measurements are always the strings "NaN", "Infinity", "-Infinity" (never bare tokens).
 */
export class FeatureBuilder {
  private readonly geometry: GeometryWriter;
  private readonly modern: boolean;

  constructor(
    private readonly version: QupathVersion,
    private readonly classes: ReadonlyMap<string, AnnotationClass>,
    private readonly loss: LossReport,
  ) {
    this.modern = version !== '0.2' && version !== '0.3';
    this.geometry = new GeometryWriter(loss, this.modern);
  }

  /** The feature as a plain object, or undefined when the object cannot be written. */
  build(o: AnnotationObject): Record<string, unknown> | undefined {
    if (!o.geometry) {
      this.loss.add('NO_GEOMETRY', o.id);
      return undefined;
    }
    this.geometry.rounded = false;
    const geometry = this.geometry.write(o.geometry, o.id);
    if (!geometry) return undefined;
    const own = (o.extras?.[FORMAT] ?? {}) as Record<string, unknown>;
    const feature: Record<string, unknown> = { type: 'Feature' };
    const id = this.featureId(o);
    if (id !== undefined) feature.id = id;
    feature.geometry = withExtras({ ...geometry, ...planeOf(o) }, record(own.geometry));
    const nucleus = this.nucleus(o);
    if (nucleus) feature.nucleusGeometry = nucleus;
    feature.properties = this.properties(o, own);
    if (this.geometry.rounded) this.loss.add('COORDS_ROUNDED', o.id, { decimals: 2 });
    this.noteLosses(o);
    return withExtras(feature, record(own.feature));
  }

  private featureId(o: AnnotationObject): string | undefined {
    if (this.version === '0.2') return LEGACY_NAMES[o.kind] ?? 'PathAnnotationObject';
    if (this.version === '0.3') return undefined;
    const source = o.sourceIds?.[FORMAT];
    return typeof source === 'string' && !isLegacyId(source) ? source : o.id;
  }

  private nucleus(o: AnnotationObject) {
    if (!o.nucleus) return undefined;
    if (o.kind !== 'cell') {
      this.loss.add('NUCLEUS_DROPPED', o.id, { reason: 'QuPath keeps a nucleus only on cells' });
      return undefined;
    }
    return this.geometry.write(o.nucleus, o.id);
  }

  private properties(o: AnnotationObject, own: Record<string, unknown>) {
    const p: Record<string, unknown> = {};
    if (this.version === '0.3') p.object_type = kindName(o.kind, 'tma_core');
    else if (this.modern) p.objectType = kindName(o.kind, 'tmaCore');
    if (o.name !== undefined) p.name = o.name;
    if (o.color) p.color = objectColor(o.color);
    if (o.class !== undefined) p.classification = this.classification(o.class, own.classColor);
    if (!this.modern) p.isLocked = o.flags?.locked === true;
    else if (o.flags?.locked) p.isLocked = true;
    if (o.flags?.missing) p.isMissing = true;
    const measurements = this.measurements(o);
    if (measurements) p.measurements = measurements;
    const metadata = this.metadata(o);
    if (metadata) p.metadata = metadata;
    return withExtras(p, record(own.properties));
  }

  private classification(id: string, override: unknown): Record<string, unknown> {
    const path = this.classes.get(id)?.path ?? splitClassName(id);
    const color = (override as Color | undefined) ?? this.colorOf(path);
    if (this.modern) {
      const named = path.length > 1 ? { names: path } : { name: path[0] ?? id };
      return { ...named, color: classColorArray(color) };
    }
    return this.legacyClass(path, color);
  }

  /** 0.2/0.3: the leaf name, a packed colour, and the parent classes nested beneath it. */
  private legacyClass(path: string[], color: Color): Record<string, unknown> {
    const out: Record<string, unknown> = { name: path.at(-1), colorRGB: packArgb(color) };
    if (path.length > 1) {
      const parent = path.slice(0, -1);
      out.parentClass = this.legacyClass(parent, this.colorOf(parent));
    }
    return out;
  }

  private colorOf(path: string[]): Color {
    return this.classes.get(classId(path))?.color ?? defaultColor(classId(path));
  }

  private measurements(o: AnnotationObject) {
    const values = { ...o.measurements };
    if (o.score !== undefined && values.score === undefined) values.score = o.score;
    const names = Object.keys(values);
    if (names.length === 0) return undefined;
    let nonFinite = false;
    const spelled = (v: number) => {
      if (Number.isFinite(v)) return v;
      nonFinite = true;
      return nonFiniteName(v);
    };
    const out = this.modern
      ? Object.fromEntries(names.map((n) => [n, spelled(values[n]!)]))
      : names.map((n) => ({ name: n, value: spelled(values[n]!) }));
    if (nonFinite) this.loss.add('NONFINITE_MEASUREMENT', o.id, { spelling: 'string' });
    return out;
  }

  /** Metadata, plus the description and each annotator's label under documented keys. */
  private metadata(o: AnnotationObject): Record<string, string> | undefined {
    const out: Record<string, string> = { ...o.metadata };
    if (o.description !== undefined && out.description === undefined)
      out.description = o.description;
    if (o.labels?.length) {
      this.loss.add('ANNOTATOR_LABELS_FLATTENED', o.id, {
        metadataKey: `${LABEL_KEY_PREFIX}<annotator>`,
      });
      const votes = new Map<string, string[]>();
      for (const label of o.labels) {
        const key = `${LABEL_KEY_PREFIX}${label.annotator}`;
        votes.set(key, [...(votes.get(key) ?? []), label.class ?? NO_CLASS]);
      }
      for (const [key, classes] of votes) out[key] ??= classes.join('; ');
    }
    return Object.keys(out).length ? out : undefined;
  }

  private noteLosses(o: AnnotationObject): void {
    if (o.created !== undefined || o.modified !== undefined)
      this.loss.add('TIMESTAMP_DROPPED', o.id);
    if (o.group !== undefined) this.loss.add('GROUP_DROPPED', o.id);
    if (!KINDS.has(o.kind))
      this.loss.add('KIND_LOST', o.id, { kind: o.kind, writtenAs: 'annotation' });
    const f = o.flags;
    if (
      f &&
      (f.deleted ||
        f.clickable === false ||
        f.crowd ||
        f.occluded ||
        f.negative ||
        f.zOrder !== undefined)
    ) {
      this.loss.add('FLAGS_DROPPED', o.id);
    }
    const foreign = Object.keys(o.extras ?? {}).filter((k) => k !== FORMAT);
    if (foreign.length) this.loss.add('EXTRAS_DROPPED', o.id, { formats: foreign });
  }
}

const KINDS = new Set<ObjectKind>(['annotation', 'detection', 'cell', 'tile', 'tmaCore', 'root']);

function kindName(kind: ObjectKind, tma: string): string {
  if (kind === 'tmaCore') return tma;
  return KINDS.has(kind) ? kind : 'annotation';
}

function planeOf(o: AnnotationObject): { plane?: Record<string, number> } {
  return o.plane ? { plane: { ...o.plane } } : {};
}

/** The object colour in the spelling it came in: a packed int stays one, else `[r, g, b]`. */
function objectColor(color: Color): number | number[] {
  if (color.source?.form === 'packed-argb' && typeof color.source.value === 'number') {
    return color.source.value;
  }
  return color.rgba.slice(0, 3);
}

function classColorArray(color: Color): number[] {
  const source = color.source;
  if (source?.form === 'rgba-array' && Array.isArray(source.value)) return source.value;
  const [r, g, b, a] = color.rgba;
  return a < 1 && source?.form !== 'rgb-array' ? [r, g, b, Math.round(a * 255)] : [r, g, b];
}

/** A stable colour for a class that has none: QuPath 0.4+ refuses a class without one. */
export function defaultColor(id: string): Color {
  const h = createHash('sha1').update(id).digest();
  return { rgba: [64 + (h[0]! % 160), 64 + (h[1]! % 160), 64 + (h[2]! % 160), 1] };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

/** Re-emit kept members without overwriting what was written from the canonical fields. */
function withExtras(target: Record<string, unknown>, extras: Record<string, unknown> | undefined) {
  if (extras) for (const key in extras) if (!(key in target)) target[key] = extras[key];
  return target;
}
