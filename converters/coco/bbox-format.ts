import type { ImageEntry } from './dictionaries.js';

/**
 * Whether a file's `bbox` arrays are COCO's [x, y, w, h] or the MIDOG variant's corners
 * [x1, y1, x2, y2]. Decided from measurements taken over every box in pass 1.
 */
export type BboxFormat = 'xywh' | 'xyxy';

export const XYXY_RULE =
  'boxes are read as [x1, y1, x2, y2] when every box has x2 > x1 and y2 > y1, and reading ' +
  'them as [x, y, w, h] would put more images\u2019 boxes past the right or bottom image edge ' +
  '(by more than 1 px) than reading them as corners would';

/** Per-image extents of the boxes under both readings, and global counts. */
export interface BoxStats {
  boxes: number;
  /** Boxes with x2 > x1 and y2 > y1 when read as corners. */
  cornerOrdered: number;
  perImage: Map<string, ImageExtent>;
}

interface ImageExtent {
  /** Largest x + w, y + h (as xywh) and x2, y2 (as corners). */
  rightXywh: number;
  bottomXywh: number;
  rightXyxy: number;
  bottomXyxy: number;
}

export function emptyBoxStats(): BoxStats {
  return { boxes: 0, cornerOrdered: 0, perImage: new Map() };
}

/** Add one annotation's bbox to the statistics; malformed boxes are reported in pass 2. */
export function surveyBox(stats: BoxStats, bbox: unknown, imageId: unknown): void {
  if (!Array.isArray(bbox) || bbox.length !== 4) return;
  if (!bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) return;
  const [a, b, c, d] = bbox as number[];
  stats.boxes += 1;
  if (c! > a! && d! > b!) stats.cornerOrdered += 1;
  const key = String(imageId);
  const extent = stats.perImage.get(key) ?? {
    rightXywh: -Infinity,
    bottomXywh: -Infinity,
    rightXyxy: -Infinity,
    bottomXyxy: -Infinity,
  };
  extent.rightXywh = Math.max(extent.rightXywh, a! + c!);
  extent.bottomXywh = Math.max(extent.bottomXywh, b! + d!);
  extent.rightXyxy = Math.max(extent.rightXyxy, c!);
  extent.bottomXyxy = Math.max(extent.bottomXyxy, d!);
  stats.perImage.set(key, extent);
}

export interface BboxDecision {
  format: BboxFormat;
  /** How it was decided: forced by the user, or by {@link XYXY_RULE}. */
  how: 'forced' | 'rule';
  /** What the rule chooses, also when the reading was forced. */
  ruleFormat: BboxFormat;
  params: Record<string, unknown>;
  /** Ids of images whose boxes, read this way, reach past their right or bottom edge. */
  pastEdge: string[];
  /** The same for the other reading. */
  pastEdgeOther: string[];
  /** Images with boxes that exist and whose size is valid or absent (not already an error). */
  imagesKnown: number;
}

/** Where boxes of sized images land under both readings. */
function measure(stats: BoxStats, images: Map<string, ImageEntry>) {
  const result = { sized: 0, known: 0, xywh: [] as string[], xyxy: [] as string[] };
  for (const [imageId, extent] of stats.perImage) {
    const image = images.get(imageId);
    if (!image || image.sizeInvalid) continue;
    result.known += 1;
    if (image.width === undefined || image.height === undefined) continue;
    result.sized += 1;
    const past = (right: number, bottom: number) =>
      right > image.width! + 1 || bottom > image.height! + 1;
    if (past(extent.rightXywh, extent.bottomXywh)) result.xywh.push(imageId);
    if (past(extent.rightXyxy, extent.bottomXyxy)) result.xyxy.push(imageId);
  }
  return result;
}

/** Apply {@link XYXY_RULE}; `forced` ('xyxy' | 'xywh') overrides it. */
export function decideBboxFormat(
  stats: BoxStats,
  images: Map<string, ImageEntry>,
  forced?: string,
): BboxDecision {
  const m = measure(stats, images);
  const allOrdered = stats.boxes > 0 && stats.cornerOrdered === stats.boxes;
  const ruleFormat: BboxFormat = allOrdered && m.xywh.length > m.xyxy.length ? 'xyxy' : 'xywh';
  const isForced = forced === 'xyxy' || forced === 'xywh';
  const format = isForced ? forced : ruleFormat;
  const params = isForced
    ? { bboxFormat: forced }
    : {
        rule: XYXY_RULE,
        boxes: stats.boxes,
        cornerOrderedBoxes: stats.cornerOrdered,
        imagesWithBoxes: stats.perImage.size,
        imagesWithSize: m.sized,
        imagesPastEdgeAsXywh: m.xywh.length,
        imagesPastEdgeAsXyxy: m.xyxy.length,
      };
  return {
    format,
    how: isForced ? 'forced' : 'rule',
    ruleFormat,
    params,
    pastEdge: format === 'xyxy' ? m.xyxy : m.xywh,
    pastEdgeOther: format === 'xyxy' ? m.xywh : m.xyxy,
    imagesKnown: m.known,
  };
}
