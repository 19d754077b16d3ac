/** Names and rules shared by the SlideRunner reader and writer. */

export const FORMAT_ID = 'sliderunner-sqlite';

/** SlideRunner's `AnnotationType` codes. */
export const AnnotationType = {
  spot: 1,
  area: 2,
  polygon: 3,
  specialSpot: 4,
  circle: 5,
  imageLabel: 6,
} as const;

/** One row of SlideRunner's Log table: when a label row was written. */
export interface LogRow {
  uid: number;
  dateTime: number | null;
  labelId: number | null;
}

/**
 * Names of detection and classification networks. SlideRunner stores a model's votes as a
 * person (MIDOG's "RetinaNet"); a person whose name contains one of these words, or the words
 * model, network, detector, classifier or algorithm, is read as kind 'model'. Everyone else
 * is a 'person'.
 */
const MODEL_NAME =
  /\b(retina-?net|yolo(v\d+)?|(faster|mask)[ -]?r-?cnn|r-?cnn|u-?net|res-?net\d*|efficientdet|detr|fcos|ssd|model|network|detector|classifier|algorithm)\b/i;

export function annotatorKind(name: string): 'person' | 'model' {
  return MODEL_NAME.test(name) ? 'model' : 'person';
}
