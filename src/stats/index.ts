import { center } from '../geometry/shapes.js';
import type { AnnotationSet } from '../model/collect.js';
import type { AnnotationObject } from '../model/types.js';
import type { SlideInfo } from '../slide/info.js';
import {
  type CohenResult,
  type FleissResult,
  fleissKappa,
  pairwiseCohen,
  type Votes,
} from './agreement.js';
import { type Detection, type DetectionResult, scoreDetections } from './detection.js';
import { type DomainCounts, domainsOf } from './domains.js';

export interface StatsOptions {
  /** Slide metadata (scanner, mpp) by slide id or file name. */
  slides?: Map<string, SlideInfo>;
  /** Matching radius for detection agreement, in level-0 pixels (default 30). */
  radius?: number;
  /** Count votes of annotators of kind 'model' in agreement too (default false). */
  includeModels?: boolean;
  /** Whose detection an object is, for detection agreement; default: its only annotator. */
  annotatorOf?: (object: AnnotationObject) => string | undefined;
}

export interface CountRow {
  class: string | null;
  slide: string;
  annotator: string | null;
  split: string | null;
  count: number;
}

export interface AnnotatorStats {
  id: string;
  name: string;
  kind: string;
  /** Label rows (votes), duplicates included, and distinct objects voted on. */
  labels: number;
  objects: number;
  byClass: Record<string, number>;
}

/** Measured statistics of a data set; the datasheet prints these. */
export interface DatasetStats {
  objects: number;
  slides: number;
  annotatedSlides: number;
  byClass: Record<string, number>;
  bySlide: Record<string, number>;
  bySplit: Record<string, number>;
  byKind: Record<string, number>;
  annotators: AnnotatorStats[];
  /** Objects per class × slide × annotator × split; an object counts once per annotator vote. */
  table: CountRow[];
  domains: Record<string, DomainCounts[]>;
  agreement: {
    annotators: string[];
    excluded: string[];
    fleiss: FleissResult;
    pairwise: CohenResult[];
    detection: DetectionResult[];
  };
}

/** Counts, domains and inter-annotator agreement of an annotation set. */
export function computeStats(set: AnnotationSet, options: StatsOptions = {}): DatasetStats {
  const live = set.objects.filter((o) => !o.flags?.deleted);
  const split = (slide: string) => set.slides.get(slide)?.split ?? null;
  const tally = (key: (o: AnnotationObject) => string) => countBy(live, key);
  return {
    objects: live.length,
    slides: set.slides.size,
    annotatedSlides: new Set(live.map((o) => o.slide)).size,
    byClass: tally((o) => o.class ?? '(none)'),
    bySlide: tally((o) => o.slide),
    bySplit: tally((o) => split(o.slide) ?? '(none)'),
    byKind: tally((o) => o.kind),
    annotators: annotatorStats(set, live),
    table: countTable(live, split),
    domains: domainsOf(set, live, options.slides),
    agreement: agreement(set, live, options),
  };
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function annotatorStats(set: AnnotationSet, live: AnnotationObject[]): AnnotatorStats[] {
  const stats = new Map<string, AnnotatorStats>();
  const get = (id: string) => {
    let s = stats.get(id);
    if (!s) {
      const a = set.annotators.get(id);
      s = {
        id,
        name: a?.name ?? id,
        kind: a?.kind ?? 'unknown',
        labels: 0,
        objects: 0,
        byClass: {},
      };
      stats.set(id, s);
    }
    return s;
  };
  for (const id of set.annotators.keys()) get(id);
  for (const object of live) {
    for (const label of object.labels ?? []) get(label.annotator).labels += 1;
    for (const [annotator, cls] of lastVotes(object, true)) {
      const s = get(annotator);
      s.objects += 1;
      s.byClass[cls] = (s.byClass[cls] ?? 0) + 1;
    }
  }
  return [...stats.values()];
}

/** Each annotator's last vote on an object (later label rows revise earlier ones). */
function lastVotes(object: AnnotationObject, keepNull = false): Map<string, string> {
  const votes = new Map<string, string>();
  for (const label of object.labels ?? []) {
    if (label.class === null && !keepNull) votes.delete(label.annotator);
    else votes.set(label.annotator, label.class ?? '(none)');
  }
  return votes;
}

function countTable(live: AnnotationObject[], split: (slide: string) => string | null) {
  const rows = new Map<string, CountRow>();
  const add = (cls: string | null, slide: string, annotator: string | null) => {
    const key = JSON.stringify([cls, slide, annotator]);
    const row = rows.get(key) ?? { class: cls, slide, annotator, split: split(slide), count: 0 };
    row.count += 1;
    rows.set(key, row);
  };
  for (const object of live) {
    const votes = lastVotes(object, true);
    if (votes.size === 0) add(object.class ?? null, object.slide, null);
    for (const [annotator, cls] of votes)
      add(cls === '(none)' ? null : cls, object.slide, annotator);
  }
  return [...rows.values()];
}

function agreement(set: AnnotationSet, live: AnnotationObject[], options: StatsOptions) {
  const isModel = (id: string) => set.annotators.get(id)?.kind === 'model';
  const excluded = options.includeModels ? [] : [...set.annotators.keys()].filter(isModel);
  const skip = new Set(excluded);
  const votes: Votes[] = live.map((o) => {
    const v = lastVotes(o);
    for (const id of skip) v.delete(id);
    return v;
  });
  const annotators = [...new Set(votes.flatMap((v) => [...v.keys()]))].sort();
  return {
    annotators,
    excluded,
    fleiss: fleissKappa(votes),
    pairwise: pairwiseCohen(votes, annotators),
    detection: detectionAgreement(live, options, skip),
  };
}

/** F1 between annotators whose objects are separate detections (one annotator each). */
function detectionAgreement(live: AnnotationObject[], options: StatsOptions, skip: Set<string>) {
  const radius = options.radius ?? 30;
  const ownerOf = options.annotatorOf ?? soleAnnotator;
  const sets = new Map<string, Detection[]>();
  for (const object of live) {
    const owner = ownerOf(object);
    const at = object.geometry ? center(object.geometry) : undefined;
    if (!owner || !at || skip.has(owner)) continue;
    const detection: Detection = {
      slide: object.slide,
      at,
      ...(object.class ? { class: object.class } : {}),
    };
    const list = sets.get(owner) ?? [];
    list.push(detection);
    sets.set(owner, list);
  }
  const names = [...sets.keys()].sort();
  const results: DetectionResult[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [reference, test] = [names[i]!, names[j]!];
      results.push(
        scoreDetections({ reference, test }, sets.get(reference)!, sets.get(test)!, radius),
      );
    }
  }
  return results;
}

function soleAnnotator(object: AnnotationObject): string | undefined {
  const ids = new Set((object.labels ?? []).map((l) => l.annotator));
  return ids.size === 1 ? [...ids][0] : undefined;
}
