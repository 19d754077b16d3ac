/**
 * The canonical annotation model. Every converter reads into it and writes from it; nothing
 * converts directly from one format to another. `schemas/canonical.schema.json` describes the
 * same records for files on disk, and `tests/model/schema.test.ts` keeps the two in agreement.
 *
 * A data set is a stream of records. Dictionary records (dataset, slide, class, annotator,
 * group) always come before the objects that refer to them, so a writer can act on each record
 * as it arrives and a million objects never need to be in memory at once.
 */

/** An [x, y] pair in level-0 pixels of the slide. */
export type Point = [number, number];

/** A ring of vertices, stored without a repeated closing vertex. */
export type Ring = Point[];

/** Colour as 0–255 channels plus alpha in 0–1, and the form the source wrote it in. */
export interface Color {
  rgba: [number, number, number, number];
  /** How the source spelled it, so a writer for the same format can spell it again. */
  source?: ColorSource;
}

export interface ColorSource {
  form: 'packed-argb' | 'rgb-array' | 'rgba-array' | 'hex' | 'colorref' | 'css' | 'name';
  value: string | number | number[];
}

/** Which pixel frame the coordinates of a slide are in. */
export interface CoordinateFrame {
  /** QuPath crops to the scanner's bounds; ASAP and SlideRunner use the full OpenSlide frame. */
  origin: 'full-frame' | 'bounds-cropped' | 'unknown';
  boundsX?: number;
  boundsY?: number;
  /** Whether integer coordinates sit on pixel corners (QuPath) or centres (ASAP masks). */
  pixelConvention: 'corner' | 'center' | 'unknown';
}

export interface MicronsPerPixel {
  x: number;
  y: number;
  source: 'slide' | 'annotation-file' | 'descriptor' | 'user';
}

export interface Plane {
  z?: number;
  t?: number;
  c?: number;
}

export type Geometry =
  | PointGeometry
  | MultiPointGeometry
  | LineGeometry
  | PolygonGeometry
  | MultiPolygonGeometry
  | RectangleGeometry
  | EllipseGeometry
  | SplineGeometry
  | MaskGeometry;

export interface PointGeometry {
  type: 'point';
  coordinates: Point;
}

export interface MultiPointGeometry {
  type: 'multipoint';
  coordinates: Point[];
}

/** A straight line (two points) or a polyline (more). */
export interface LineGeometry {
  type: 'line';
  coordinates: Point[];
}

/** Outer ring first, holes after it. */
export interface PolygonGeometry {
  type: 'polygon';
  rings: Ring[];
  /** True when the source repeated the first vertex at the end of each ring. */
  closed?: boolean;
}

export interface MultiPolygonGeometry {
  type: 'multipolygon';
  polygons: Ring[][];
  closed?: boolean;
}

/** Axis-aligned box from its top-left corner, optionally rotated about its centre. */
export interface RectangleGeometry {
  type: 'rectangle';
  x: number;
  y: number;
  width: number;
  height: number;
  /** Radians, counter-clockwise. */
  rotation?: number;
}

/** Ellipse or circle by centre and radii; `encoding` says how the source stored it. */
export interface EllipseGeometry {
  type: 'ellipse';
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  rotation?: number;
  encoding?: 'center-radii' | 'bbox-corners' | 'bounding-square' | 'polygon-envelope';
  /** Vertices the source wrote for it (QuPath writes a polygon approximation). */
  vertices?: Ring;
}

/** Control points of a curve; ASAP draws them as a closed Catmull-Rom spline. */
export interface SplineGeometry {
  type: 'spline';
  controlPoints: Point[];
  interpolation: 'catmull-rom-closed' | 'catmull-rom-open';
}

/** A run-length encoded mask placed at (x, y) on the slide. */
export interface MaskGeometry {
  type: 'mask';
  x: number;
  y: number;
  width: number;
  height: number;
  /** Runs alternating background/foreground, starting with background. */
  counts: number[];
  order: 'column-major' | 'row-major';
}

export type ObjectKind =
  | 'annotation'
  | 'detection'
  | 'cell'
  | 'tile'
  | 'tmaCore'
  | 'root'
  | 'spot'
  | 'specialSpot'
  | 'imageLabel';

/** One annotator's vote on one object. Duplicate votes by the same person are allowed. */
export interface Label {
  annotator: string;
  /** Class id, or null where the annotator gave no class. */
  class: string | null;
  sourceId?: string | number;
  exactId?: number | null;
}

export interface ObjectFlags {
  locked?: boolean;
  deleted?: boolean;
  clickable?: boolean;
  crowd?: boolean;
  occluded?: boolean;
  negative?: boolean;
  missing?: boolean;
  zOrder?: number;
}

/** Where the parts of a split-up source object came from (a QuPath MultiPoint, an ASAP PointSet). */
export interface PartOf {
  id: string;
  index: number;
}

export interface AnnotationObject {
  type: 'object';
  id: string;
  slide: string;
  kind: ObjectKind;
  geometry: Geometry | null;
  nucleus?: Geometry;
  plane?: Plane;
  /** The agreed or current class id; absent when the object has none. */
  class?: string;
  labels?: Label[];
  name?: string;
  description?: string;
  color?: Color;
  flags?: ObjectFlags;
  score?: number;
  /** Unix seconds. */
  created?: number;
  modified?: number;
  /** Values may be NaN or ±Infinity. */
  measurements?: Record<string, number>;
  metadata?: Record<string, string>;
  parent?: string;
  group?: string;
  partOf?: PartOf;
  sourceIds?: Record<string, string | number>;
  extras?: Record<string, unknown>;
}

export interface Slide {
  type: 'slide';
  id: string;
  /** File name of the slide image (basename) or the image name the source used. */
  name: string;
  width?: number | null;
  height?: number | null;
  mpp?: MicronsPerPixel;
  frame: CoordinateFrame;
  split?: string;
  patient?: string;
  case?: string;
  fingerprint?: string;
  metadata?: Record<string, string>;
  sourceIds?: Record<string, string | number>;
  extras?: Record<string, unknown>;
}

export interface AnnotationClass {
  type: 'class';
  id: string;
  name: string;
  /** Hierarchical path; a QuPath derived class "Tumor: Positive" is ["Tumor", "Positive"]. */
  path: string[];
  color?: Color;
  supercategory?: string;
  flags?: { clickable?: boolean };
  sourceIds?: Record<string, string | number>;
  extras?: Record<string, unknown>;
}

export interface Annotator {
  type: 'annotator';
  id: string;
  name: string;
  kind: 'person' | 'model' | 'unknown';
  sourceIds?: Record<string, string | number>;
  extras?: Record<string, unknown>;
}

/** ASAP-style groups: a tree kept apart from classes, with free attributes. */
export interface Group {
  type: 'group';
  id: string;
  name: string;
  parent?: string;
  color?: Color;
  attributes?: Record<string, string>;
  extras?: Record<string, unknown>;
}

export interface SourceProvenance {
  format: string;
  version?: string;
  file: string;
  sha256?: string;
  warnings?: number;
}

export interface DatasetHeader {
  type: 'dataset';
  schema: 'slidepack.canonical/1';
  name?: string;
  sources: SourceProvenance[];
  extras?: Record<string, unknown>;
}

export type DictionaryRecord = DatasetHeader | Slide | AnnotationClass | Annotator | Group;

export type CanonicalRecord = DictionaryRecord | AnnotationObject;

export type RecordStream = AsyncIterable<CanonicalRecord>;
