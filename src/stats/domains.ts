import type { AnnotationSet } from '../model/collect.js';
import type { AnnotationObject, Slide } from '../model/types.js';
import type { SlideInfo } from '../slide/info.js';
import { findSlideInfo } from '../slide/match.js';

/**
 * Domain variability: how slides and objects spread over scanners, resolutions, labs,
 * species, stains and tumour types. Scanner and resolution come from the slide files when
 * given, else from the annotation file; the others from slide metadata keys.
 */
export interface DomainCounts {
  value: string;
  slides: number;
  objects: number;
  byClass: Record<string, number>;
}

/** Slide metadata keys (compared without case, spaces or underscores) for each domain. */
const METADATA_KEYS: Record<string, string[]> = {
  scanner: ['scanner', 'scannermodel', 'scannertype'],
  lab: ['lab', 'laboratory', 'site', 'center', 'centre', 'institution'],
  species: ['species'],
  stain: ['stain', 'staining'],
  tumorType: ['tumortype', 'tumourtype', 'tumor', 'cancertype'],
  organ: ['organ', 'tissue'],
};

function normalise(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Flat string members of a slide's metadata and of its format extras. */
function slideFields(slide: Slide | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  const sources = [slide?.metadata ?? {}, ...Object.values(slide?.extras ?? {})];
  for (const source of sources) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'string' && value && !fields.has(normalise(key)))
        fields.set(normalise(key), value);
    }
  }
  return fields;
}

function domainValues(
  slide: Slide | undefined,
  info: SlideInfo | undefined,
): Record<string, string> {
  const fields = slideFields(slide);
  const out: Record<string, string> = {};
  for (const [domain, keys] of Object.entries(METADATA_KEYS)) {
    const value = keys.map((k) => fields.get(k)).find(Boolean);
    if (value) out[domain] = value;
  }
  const scanner = info ? [info.vendor, info.scanner].filter(Boolean).join(' ') : '';
  if (scanner) out.scanner = scanner;
  const mpp = info?.mpp?.x ?? slide?.mpp?.x;
  if (mpp) out.mpp = mpp.toFixed(3);
  return out;
}

/** Counts per value of every domain some slide has a value for. */
export function domainsOf(
  set: AnnotationSet,
  live: AnnotationObject[],
  slides?: Map<string, SlideInfo>,
): Record<string, DomainCounts[]> {
  const ids = new Set([...set.slides.keys(), ...live.map((o) => o.slide)]);
  const values = new Map<string, Record<string, string>>();
  for (const id of ids) {
    const slide = set.slides.get(id);
    values.set(id, domainValues(slide, findSlideInfo(slide ?? { id, name: id }, slides)));
  }
  const out: Record<string, Map<string, DomainCounts>> = {};
  const entry = (domain: string, value: string) => {
    out[domain] ??= new Map();
    const counts = out[domain].get(value) ?? { value, slides: 0, objects: 0, byClass: {} };
    out[domain].set(value, counts);
    return counts;
  };
  for (const [, v] of values)
    for (const [domain, value] of Object.entries(v)) entry(domain, value).slides += 1;
  for (const object of live) {
    for (const [domain, value] of Object.entries(values.get(object.slide) ?? {})) {
      const counts = entry(domain, value);
      const cls = object.class ?? '(none)';
      counts.objects += 1;
      counts.byClass[cls] = (counts.byClass[cls] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([d, m]) => [d, [...m.values()]]));
}
