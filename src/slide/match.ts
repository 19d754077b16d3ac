import { basename } from 'node:path';
import type { Slide } from '../model/types.js';
import type { SlideInfo } from './info.js';

/**
 * Annotation files name their slide in different ways: "001.tiff" (COCO, SlideRunner),
 * "CMU-1" (a QuPath export named after the image), a full path. These helpers compare names
 * by base name, with and without extensions.
 */
function names(value: string): string[] {
  const base = basename(value.replace(/\\/g, '/')).toLowerCase();
  const out = [base];
  let stem = base;
  while (/\.[a-z0-9]{1,5}$/.test(stem)) {
    stem = stem.replace(/\.[a-z0-9]{1,5}$/, '');
    if (stem) out.push(stem);
  }
  return out;
}

/** True when an annotation slide record and a slide file name the same image. */
export function sameSlide(slide: Pick<Slide, 'id' | 'name'>, file: string): boolean {
  const fileNames = new Set(names(file));
  return [slide.id, slide.name].some((n) => n && names(n).some((x) => fileNames.has(x)));
}

/** The slide info for an annotation slide: by id, then by name, then by file name. */
export function findSlideInfo(
  slide: Pick<Slide, 'id' | 'name'>,
  slides: Map<string, SlideInfo> | undefined,
): SlideInfo | undefined {
  if (!slides) return undefined;
  const direct = slides.get(slide.id) ?? slides.get(slide.name);
  if (direct) return direct;
  for (const info of slides.values()) if (sameSlide(slide, info.file)) return info;
  return undefined;
}
