import type { DataLicense } from '../descriptor/inputs.js';
import { allSlideIds, checkLeakage, resolveSplits, subjectOf } from '../descriptor/splits.js';
import type { LoadedDescriptor } from '../descriptor/load.js';
import type { Messages } from '../messages.js';
import type { AnnotationSet } from '../model/collect.js';
import type { SlideInfo } from '../slide/info.js';
import { computeStats, type DatasetStats } from '../stats/index.js';
import { type SlideAcquisition, slideAcquisition } from './domains.js';

/** A count keyed by split, domain and class: the cross-table the datasheet prints and charts. */
export interface CrossCount {
  split: string;
  domain: string;
  class: string;
  objects: number;
}

export type AnnotatorFacts = DatasetStats['annotators'][number];

/** What the datasheet measured, as opposed to what the descriptor says. */
export interface DatasheetFacts {
  slides: number;
  slidesWithObjects: number;
  objects: number;
  patients: number;
  cases: number;
  classes: { id: string; name: string; objects: number }[];
  annotators: AnnotatorFacts[];
  geometryTypes: Record<string, number>;
  splitOf: Map<string, string>;
  splitNames: string[];
  slidesPerSplit: Record<string, number>;
  cross: CrossCount[];
  acquisition: SlideAcquisition[];
  leaks: number;
  /** Of the slides in a split, how many have a patient, a case and a SHA-256 to compare. */
  leakageKeys: { slides: number; patient: number; case: number; sha256: number };
  dataLicenses: DataLicense[];
  /** The dataset statistics (annotators, agreement), computed with the splits applied. */
  stats: DatasetStats;
}

const NO_SPLIT = '(none)';
const NO_CLASS = '(no class)';

/** Measure the set against the descriptor: counts, splits, domains, leakage. */
export function gatherFacts(
  loaded: LoadedDescriptor,
  set: AnnotationSet,
  slides: Map<string, SlideInfo>,
  dataLicenses: DataLicense[],
  messages: Messages,
): DatasheetFacts {
  const slideIds = allSlideIds(set, slides);
  const splitOf = resolveSplits(loaded, set, slides, messages);
  const leaks = checkLeakage(splitOf, loaded, set, slides, messages);
  const scanners = loaded.data.acquisition?.scanners;
  const acquisition = slideIds.map((id) => slideAcquisition(id, slides.get(id), scanners));
  const domainOf = new Map(acquisition.map((a) => [a.slide, a.domain]));
  const subjects = slideIds.map((id) => subjectOf(id, loaded, set));
  const stats = computeStats(withSplits(set, splitOf), { slides });
  return {
    slides: slideIds.length,
    slidesWithObjects: new Set(set.objects.map((o) => o.slide)).size,
    objects: set.objects.length,
    patients: new Set(subjects.map((s) => s.patient).filter(Boolean)).size,
    cases: new Set(subjects.map((s) => s.case).filter(Boolean)).size,
    classes: classCounts(set),
    annotators: stats.annotators,
    geometryTypes: tally(set.objects.map((o) => o.geometry?.type ?? 'none')),
    splitOf,
    splitNames: splitNames(loaded, splitOf),
    slidesPerSplit: tally(slideIds.map((id) => splitOf.get(id) ?? NO_SPLIT)),
    cross: crossCounts(set, splitOf, domainOf),
    acquisition,
    leaks,
    leakageKeys: leakageKeys(splitOf, loaded, set, slides),
    dataLicenses,
    stats,
  };
}

/** What the leakage check had to compare: without a key for a slide, nothing was checked. */
function leakageKeys(
  splitOf: Map<string, string>,
  loaded: LoadedDescriptor,
  set: AnnotationSet,
  slides: Map<string, SlideInfo>,
): DatasheetFacts['leakageKeys'] {
  const keys = { slides: splitOf.size, patient: 0, case: 0, sha256: 0 };
  for (const slide of splitOf.keys()) {
    const subject = subjectOf(slide, loaded, set);
    if (subject.patient) keys.patient++;
    if (subject.case) keys.case++;
    if (slides.get(slide)?.sha256 ?? set.slides.get(slide)?.fingerprint) keys.sha256++;
  }
  return keys;
}

/** The set with each slide's split from the descriptor, so the statistics count per split. */
function withSplits(set: AnnotationSet, splitOf: Map<string, string>): AnnotationSet {
  const slides = new Map(set.slides);
  for (const [id, split] of splitOf) {
    const slide = slides.get(id);
    if (slide) slides.set(id, { ...slide, split });
  }
  return { ...set, slides };
}

function splitNames(loaded: LoadedDescriptor, splitOf: Map<string, string>): string[] {
  const names = Object.keys(loaded.data.splits?.sets ?? {});
  for (const split of splitOf.values()) if (!names.includes(split)) names.push(split);
  return names;
}

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function classCounts(set: AnnotationSet): DatasheetFacts['classes'] {
  const counts = tally(set.objects.map((o) => o.class ?? NO_CLASS));
  const rows = [...set.classes.values()].map((c) => ({
    id: c.id,
    name: c.name,
    objects: counts[c.id] ?? 0,
  }));
  if (counts[NO_CLASS]) rows.push({ id: NO_CLASS, name: NO_CLASS, objects: counts[NO_CLASS] });
  return rows;
}

function crossCounts(
  set: AnnotationSet,
  splitOf: Map<string, string>,
  domainOf: Map<string, string>,
): CrossCount[] {
  const counts = new Map<string, CrossCount>();
  for (const object of set.objects) {
    const split = splitOf.get(object.slide) ?? NO_SPLIT;
    const domain = domainOf.get(object.slide) ?? 'unknown';
    const cls = object.class ?? NO_CLASS;
    const key = `${split}\u0000${domain}\u0000${cls}`;
    const row = counts.get(key) ?? { split, domain, class: cls, objects: 0 };
    row.objects++;
    counts.set(key, row);
  }
  return [...counts.values()];
}

/** Slides with neither a header nor a descriptor entry for scanner and microns per pixel. */
export function slidesMissingAcquisition(facts: DatasheetFacts): string[] {
  return facts.acquisition
    .filter((a) => a.scanner === 'unknown' || a.mppX === undefined)
    .map((a) => a.slide);
}

/** The declared counts that disagree with the measured ones, as sentences. */
export function countMismatches(loaded: LoadedDescriptor, facts: DatasheetFacts): string[] {
  const declared = loaded.data.composition?.counts ?? {};
  const out: string[] = [];
  const measured: [keyof typeof declared, number][] = [
    ['slides', facts.slides],
    ['objects', facts.objects],
  ];
  if (facts.patients) measured.push(['patients', facts.patients]);
  if (facts.cases) measured.push(['cases', facts.cases]);
  for (const [key, value] of measured) {
    const said = declared[key];
    if (typeof said === 'number' && said !== value)
      out.push(`composition.counts.${key} says ${said}; measured ${value}`);
  }
  for (const [cls, said] of Object.entries(declared.classes ?? {})) {
    const value = facts.classes.find((c) => c.id === cls || c.name === cls)?.objects ?? 0;
    if (said !== value)
      out.push(`composition.counts.classes.${cls} says ${said}; measured ${value}`);
  }
  return out;
}
