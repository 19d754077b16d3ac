import type { AnnotationSet } from '../model/collect.js';
import type { SlideInfo } from '../slide/info.js';

/** Agreement figures from the dataset statistics, as sentences for the datasheet. */
export function agreementLines(_set: AnnotationSet, _slides: Map<string, SlideInfo>): string[] {
  return [];
}
