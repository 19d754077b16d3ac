import type { ConvertContext, ReadInput } from '../../src/converter.js';
import { type Exclusion, HoleMatcher } from '../../src/geometry/holes.js';
import { Messages } from '../../src/messages.js';
import { fromColorref, toHex } from '../../src/model/color.js';
import type {
  AnnotationClass,
  AnnotationObject,
  CanonicalRecord,
  Geometry,
  RecordStream,
  Slide,
} from '../../src/model/types.js';
import { classMap } from './format.js';
import { type RegionEnv, areaRing, regionGeometry } from './geometry.js';
import { type RawLayer, type RawRegion, streamImageScope } from './parse.js';
import { type ValueSite, lineColor, micronsPerPixel } from './values.js';

const FORMAT = 'imagescope-xml';

interface FileIndex {
  root: Record<string, string>;
  rootLine: number;
  layers: RawLayer[];
  negatives: RawRegion[];
}

/**
 * Read an Aperio ImageScope XML file: each layer is a class, each region an object. A first pass
 * reads the layers (their class records come before any region) and the `NegativeROA` regions;
 * when there are any, a second pass finds the region of the same layer containing each, and the
 * last pass streams the regions with those negatives as holes.
 */
export async function* readImageScope(input: ReadInput, context: ConvertContext): RecordStream {
  const file = input.path;
  const slideId = input.slide ?? stem(file);
  const names = classMap(context.options['imagescope-class-map']);
  const repairComma = context.options['repair-decimal-comma'] === true;
  const index = await indexFile(file);
  const holes = await matchNegatives(file, index, repairComma);
  const site = (line: number): ValueSite => ({ file, line, messages: context.messages });
  const mpp = micronsPerPixel(index.root.MicronsPerPixel, site(index.rootLine), repairComma);
  const classes = index.layers.map((layer) => layerClass(layer, names, site(layer.line)));
  disambiguate(classes, index.layers);

  yield* header(file, slideId, index.root, mpp);
  yield* classes;
  const env: RegionEnv = {
    file,
    messages: context.messages,
    repairComma,
    onDecimalComma: (r) => context.loss?.add('DECIMAL_COMMA_REPAIRED', `r${r.index}`),
  };
  // Ids count the regions that become objects, so holes written anywhere keep them stable.
  let n = 0;
  for await (const item of streamImageScope(file)) {
    if (item.kind !== 'region' || holes.absorbed.has(item.value.index)) continue;
    const object = regionObject(item.value, n++, slideId, classes, env);
    if (object) yield withNegatives(object, holes.byRegion.get(item.value.index), context);
  }
}

function stem(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.[^.]+$/, '');
}

async function indexFile(file: string): Promise<FileIndex> {
  const index: FileIndex = { root: {}, rootLine: 1, layers: [], negatives: [] };
  for await (const item of streamImageScope(file)) {
    if (item.kind === 'root') Object.assign(index, { root: item.attributes, rootLine: item.line });
    else if (item.kind === 'layer') index.layers.push(item.value);
    else if (isNegative(item.value)) index.negatives.push(item.value);
    else item.value.vertices = [];
  }
  return index;
}

function isNegative(region: RawRegion): boolean {
  return region.attributes.NegativeROA === '1';
}

interface HolePlan {
  absorbed: Set<number>;
  byRegion: Map<number, RawRegion[]>;
}

async function matchNegatives(file: string, index: FileIndex, repairComma: boolean) {
  const plan: HolePlan = { absorbed: new Set(), byRegion: new Map() };
  if (index.negatives.length === 0) return plan;
  const quiet: RegionEnv = { file, messages: new Messages(), repairComma };
  const exclusions: Exclusion<RawRegion>[] = [];
  for (const region of index.negatives) {
    const geometry = regionGeometry(region, quiet);
    const ring = geometry && areaRing(geometry);
    if (ring) exclusions.push({ key: region, ring, scope: String(region.layer) });
  }
  const matcher = new HoleMatcher<RawRegion, number>(exclusions);
  for await (const item of streamImageScope(file)) {
    if (item.kind !== 'region' || isNegative(item.value)) continue;
    const geometry = regionGeometry(item.value, quiet);
    const ring = geometry && areaRing(geometry);
    if (ring) matcher.offer(item.value.index, ring, String(item.value.layer));
  }
  for (const [region, holes] of matcher.assignments()) {
    plan.byRegion.set(
      region,
      holes.map((h) => h.key),
    );
    for (const h of holes) plan.absorbed.add(h.key.index);
  }
  return plan;
}

function* header(
  file: string,
  slideId: string,
  root: Record<string, string>,
  mpp: number | undefined,
): Generator<CanonicalRecord> {
  yield { type: 'dataset', schema: 'slidepack.canonical/1', sources: [{ format: FORMAT, file }] };
  const slide: Slide = {
    type: 'slide',
    id: slideId,
    name: slideId,
    frame: { origin: 'full-frame', pixelConvention: 'unknown' },
  };
  if (mpp !== undefined) slide.mpp = { x: mpp, y: mpp, source: 'annotation-file' };
  if (Object.keys(root).length > 0) slide.extras = { [FORMAT]: { attributes: root } };
  yield slide;
}

/** A layer as a class: its name, else a name from the class map, else its Id and colour. */
function layerClass(layer: RawLayer, names: Map<number, string>, site: ValueSite): AnnotationClass {
  const a = layer.attributes;
  const packed = lineColor(a.LineColor, site);
  const color = packed === undefined ? undefined : fromColorref(packed);
  const mapped = packed === undefined ? undefined : names.get(packed);
  const generated = `layer ${a.Id ?? layer.index + 1}${color ? ` (${toHex(color)})` : ''}`;
  const name = a.Name?.trim() || mapped || generated;
  const extras: Record<string, unknown> = { attributes: a, children: layer.children };
  if (!a.Name?.trim()) extras.derivedName = name;
  const cls: AnnotationClass = {
    type: 'class',
    id: name,
    name,
    path: [name],
    extras: { [FORMAT]: extras },
  };
  if (color) cls.color = color;
  return cls;
}

/** Two layers with one name are two classes: the later ones get `#<layer Id>`. */
function disambiguate(classes: AnnotationClass[], layers: RawLayer[]): void {
  const seen = new Set<string>();
  classes.forEach((cls, n) => {
    if (seen.has(cls.id)) cls.id = `${cls.name}#${layers[n]!.attributes.Id ?? n + 1}`;
    seen.add(cls.id);
  });
}

const KIND_TYPES = new Set(['0', '1', '2', '3', '4']);

function regionObject(
  region: RawRegion,
  n: number,
  slide: string,
  classes: AnnotationClass[],
  env: RegionEnv,
): AnnotationObject | undefined {
  const geometry = regionGeometry(region, env);
  if (!geometry) return undefined;
  const a = region.attributes;
  const layerId = classes[region.layer]?.extras?.[FORMAT] as { attributes: { Id?: string } };
  const object: AnnotationObject = {
    type: 'object',
    id: `r${n}`,
    slide,
    kind: 'annotation',
    geometry,
    sourceIds: { [FORMAT]: `${layerId?.attributes.Id ?? region.layer + 1}/${a.Id ?? ''}` },
  };
  const cls = classes[region.layer];
  if (cls) object.class = cls.id;
  if (a.Text) object.name = a.Text;
  if (isNegative(region)) object.flags = { negative: true };
  object.extras = { [FORMAT]: regionExtras(region, geometry) };
  return object;
}

/** Everything a writer needs to repeat the region as it was. */
function regionExtras(region: RawRegion, geometry: Geometry): Record<string, unknown> {
  const extras: Record<string, unknown> = { attributes: region.attributes };
  if (region.children.length > 0) extras.children = region.children;
  const z = zOf(region);
  if (z !== undefined) extras.z = z;
  if (!KIND_TYPES.has(region.attributes.Type ?? '0') || geometry.type === 'point') {
    extras.sourceType = region.attributes.Type;
  }
  return extras;
}

/** The vertices' Z as one value when they agree, else one per vertex; undefined when absent. */
function zOf(region: RawRegion): string | string[] | undefined {
  const zs = new Set(region.vertices.map((v) => v.z));
  if (zs.size === 1) return [...zs][0];
  return zs.size > 1 ? region.vertices.map((v) => v.z ?? '') : undefined;
}

/** A region with the negative regions it contains as holes. */
function withNegatives(
  object: AnnotationObject,
  negatives: RawRegion[] | undefined,
  context: ConvertContext,
): AnnotationObject {
  if (!negatives) {
    if (object.flags?.negative) context.loss?.add('EXCLUSIONS_UNMATCHED', object.id);
    return object;
  }
  const quiet: RegionEnv = { file: '', messages: new Messages(), repairComma: true };
  const shapes = negatives.map((n) => regionGeometry(n, quiet)!);
  const holes = shapes.map((g) => areaRing(g)!);
  const outer = areaRing(object.geometry!)!;
  if (object.geometry!.type !== 'polygon') {
    const code =
      object.geometry!.type === 'ellipse' ? 'ELLIPSE_POLYGONISED' : 'RECTANGLE_POLYGONISED';
    context.loss?.add(code, object.id);
  }
  for (const n of negatives) context.loss?.add('EXCLUSIONS_TO_HOLES', `r${n.index}`);
  const extras = object.extras![FORMAT] as Record<string, unknown>;
  // Each ring is written back closed or open as its own region was.
  const kept = negatives.map((n, i) => ({
    attributes: n.attributes,
    children: n.children,
    z: zOf(n),
    closed: isClosed(shapes[i]!),
  }));
  const closed = isClosed(object.geometry!) ? { closed: true } : {};
  return {
    ...object,
    geometry: { type: 'polygon', rings: [outer, ...holes], ...closed },
    extras: { [FORMAT]: { ...extras, holes: kept } },
  };
}

function isClosed(geometry: Geometry): boolean {
  return geometry.type === 'polygon' && geometry.closed === true;
}
