/**
 * Every loss-report reason code, with what it does to the object. The README's table of codes
 * is this list; converters may only report codes listed here.
 */
export interface LossCodeInfo {
  effect: 'dropped' | 'approximated' | 'field-lost' | 'noted';
  description: string;
}

export const LOSS_CODES = {
  GEOMETRY_UNSUPPORTED: {
    effect: 'dropped',
    description: 'the target cannot hold this geometry type; the object was left out',
  },
  NO_GEOMETRY: {
    effect: 'dropped',
    description: 'the object has no geometry (a whole-image label) and the target needs one',
  },
  HOLES_DROPPED: {
    effect: 'approximated',
    description: 'polygon holes were removed because the target cannot hold them',
  },
  HOLES_SEPARATED: {
    effect: 'approximated',
    description: 'polygon holes were written as separate objects (an exclusion group)',
  },
  MULTIPOLYGON_SPLIT: {
    effect: 'approximated',
    description: 'a multipolygon was written as one object per part',
  },
  MULTIPOINT_SPLIT: {
    effect: 'approximated',
    description: 'a multipoint was written as one object per point',
  },
  ELLIPSE_POLYGONISED: {
    effect: 'approximated',
    description: 'an ellipse or circle was written as a polygon',
  },
  RECTANGLE_POLYGONISED: {
    effect: 'approximated',
    description: 'a rectangle was written as a four-vertex polygon',
  },
  SPLINE_DENSIFIED: {
    effect: 'approximated',
    description: 'a spline was sampled into a polygon',
  },
  MASK_UNSUPPORTED: {
    effect: 'dropped',
    description: 'a run-length mask cannot be written to the target',
  },
  NUCLEUS_DROPPED: { effect: 'field-lost', description: 'the nucleus geometry of a cell was lost' },
  KIND_LOST: {
    effect: 'field-lost',
    description: 'the object kind (cell, detection, tile…) cannot be stored in the target',
  },
  MEASUREMENTS_DROPPED: { effect: 'field-lost', description: 'measurements were not written' },
  METADATA_DROPPED: { effect: 'field-lost', description: 'free-text metadata was not written' },
  NAME_DROPPED: { effect: 'field-lost', description: 'the object name was not written' },
  COLOR_DROPPED: { effect: 'field-lost', description: 'the per-object colour was not written' },
  FLAGS_DROPPED: {
    effect: 'field-lost',
    description: 'flags such as locked or clickable were not written',
  },
  PLANE_DROPPED: { effect: 'field-lost', description: 'the z/t/c plane was not written' },
  HIERARCHY_DROPPED: { effect: 'field-lost', description: 'parent/child links were not written' },
  CLASS_PATH_FLATTENED: {
    effect: 'field-lost',
    description: 'a derived (hierarchical) class was written as one flat name',
  },
  ANNOTATOR_LABELS_FLATTENED: {
    effect: 'field-lost',
    description: 'per-annotator labels were not written; only the agreed class remains',
  },
  DELETED_EXCLUDED: {
    effect: 'dropped',
    description: 'a soft-deleted object was left out (use --include-deleted to keep it)',
  },
  TIMESTAMP_DROPPED: { effect: 'field-lost', description: 'timestamps were not written' },
  SCORE_DROPPED: { effect: 'field-lost', description: 'the confidence score was not written' },
  GROUP_DROPPED: { effect: 'field-lost', description: 'group membership was not written' },
  COORDS_ROUNDED: {
    effect: 'approximated',
    description: 'coordinates were rounded to the precision the target writes',
  },
  NONFINITE_MEASUREMENT: {
    effect: 'noted',
    description: 'a NaN or infinite measurement was written in the target version’s spelling',
  },
  POINT_TO_BOX: {
    effect: 'approximated',
    description: 'a point was written as a box around it',
  },
  BOX_TO_POINT: {
    effect: 'approximated',
    description: 'a box was read back as its centre point',
  },
  XYXY_BBOX_DETECTED: {
    effect: 'noted',
    description: 'boxes were read as [x1, y1, x2, y2] corners instead of COCO [x, y, w, h]',
  },
  DECIMAL_COMMA_REPAIRED: {
    effect: 'noted',
    description: 'a number written with a decimal comma was read as a decimal point',
  },
  CIRCLE_RADIUS_TRUNCATED: {
    effect: 'approximated',
    description: 'a circle centre and radius were stored as integers',
  },
  UNCLASSIFIED_DROPPED: {
    effect: 'dropped',
    description: 'an object without a class was left out because the target needs one',
  },
  SLIDE_INFO_DROPPED: {
    effect: 'field-lost',
    description: 'slide details (microns per pixel, coordinate frame) were not written',
  },
  EXTRAS_DROPPED: {
    effect: 'field-lost',
    description: 'members kept verbatim from another format could not be written',
  },
  EXCLUSIONS_TO_HOLES: {
    effect: 'noted',
    description:
      'exclusion regions (an ASAP exclusion group, ImageScope NegativeROA) were read as holes ' +
      'of the regions that contain them',
  },
  EXCLUSIONS_UNMATCHED: {
    effect: 'noted',
    description: 'an exclusion region lies inside no region; it was kept as a separate object',
  },
  OBJECT_ID_DROPPED: {
    effect: 'field-lost',
    description: 'the target has no object ids; objects are numbered by their position instead',
  },
  POLYGON_RASTERISED: {
    effect: 'approximated',
    description:
      'a polygon with holes was written as a run-length mask of the pixels whose centres lie ' +
      'inside it',
  },
  UNCLASSIFIED_CATEGORY: {
    effect: 'noted',
    description: 'objects without a class were written under a category marked "unclassified"',
  },
  BOX_CLIPPED: {
    effect: 'approximated',
    description: 'a box written around a point was cut at the image edge',
  },
  OBJECT_NOT_READ: {
    effect: 'dropped',
    description: 'an object of the source could not be read (an error names its place); left out',
  },
  SLIDE_DROPPED: {
    effect: 'dropped',
    description:
      'a slide without objects was left out because the target needs what it lacks (COCO: an ' +
      'image size; give --image-size)',
  },
} as const satisfies Record<string, LossCodeInfo>;

export type LossCode = keyof typeof LOSS_CODES;
