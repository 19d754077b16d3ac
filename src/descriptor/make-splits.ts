import { InputError } from '../errors.js';
import type { AnnotationSet } from '../model/collect.js';
import type { SplitUnit } from './types.js';
import { seededRandom } from '../util/random.js';

/** A request for `slidepack split`: group by unit, aim for the ratios, same seed same result. */
export interface SplitPlan {
  unit: SplitUnit;
  /** Split names and their shares; shares need not sum to 1. */
  ratios: [string, number][];
  seed: number;
}

/** One group of slides that must stay together, with its objects per class. */
export interface SplitGroup {
  id: string;
  slides: string[];
  classes: Map<string, number>;
}

/** Slides grouped by the split unit, with object counts per class for stratification. */
export function groupSlides(
  set: AnnotationSet,
  slideIds: string[],
  groupOf: (slide: string) => string | undefined,
  unit: SplitUnit,
  descriptor?: string,
): SplitGroup[] {
  const groups = new Map<string, SplitGroup>();
  const bySlide = new Map<string, SplitGroup>();
  const missing: string[] = [];
  for (const slide of slideIds) {
    const id = groupOf(slide);
    if (id === undefined) {
      missing.push(slide);
      continue;
    }
    const group: SplitGroup = groups.get(id) ?? { id, slides: [], classes: new Map() };
    group.slides.push(slide);
    groups.set(id, group);
    bySlide.set(slide, group);
  }
  if (missing.length) {
    // The data lacks what the split needs: a data problem (exit 1), not a wrong command.
    throw new InputError(
      `${missing.length} slide(s) have no ${unit} (first: ${missing[0]}); add them under ` +
        `subjects in the descriptor, or split --by slide`,
      descriptor,
    );
  }
  for (const object of set.objects) {
    const group = bySlide.get(object.slide);
    const cls = object.class ?? '(no class)';
    if (group) group.classes.set(cls, (group.classes.get(cls) ?? 0) + 1);
  }
  return [...groups.values()];
}

/**
 * Assign whole groups to splits. Groups are shuffled with the seed, then taken largest first,
 * each going to the split where it most reduces the gap to the target share of slides and of
 * every class: a greedy stratified split that keeps each patient (or case) in one split.
 */
export function makeSplits(groups: SplitGroup[], plan: SplitPlan): Map<string, string[]> {
  const rand = seededRandom(plan.seed);
  const order = groups
    .map((g) => ({ g, key: rand() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.g)
    .sort((a, b) => size(b) - size(a));
  const total = plan.ratios.reduce((sum, [, r]) => sum + r, 0);
  const shares = plan.ratios.map(([name, r]) => ({ name, share: r / total }));
  const totals = sumCounts(groups);
  const current = shares.map(() => new Map<string, number>());
  const out = new Map<string, string[]>(shares.map((s) => [s.name, []]));
  for (const group of order) {
    let best = 0;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const [i, s] of shares.entries()) {
      if (s.share === 0) continue;
      const cost = gain(current[i]!, counts(group), totals, s.share);
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    add(current[best]!, counts(group));
    out.get(shares[best]!.name)!.push(group.id);
  }
  for (const members of out.values()) members.sort();
  return out;
}

function counts(group: SplitGroup): Map<string, number> {
  const out = new Map(group.classes);
  out.set('\u0000slides', group.slides.length);
  return out;
}

function size(group: SplitGroup): number {
  let n = group.slides.length;
  for (const c of group.classes.values()) n += c;
  return n;
}

function sumCounts(groups: SplitGroup[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of groups) add(out, counts(g));
  return out;
}

function add(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/** Change of squared relative gap to the targets if the group joined this split. */
function gain(
  current: Map<string, number>,
  group: Map<string, number>,
  totals: Map<string, number>,
  share: number,
): number {
  let delta = 0;
  for (const [key, n] of group) {
    const total = totals.get(key) ?? 0;
    if (total === 0) continue;
    const target = share * total;
    const now = current.get(key) ?? 0;
    delta += ((now + n - target) ** 2 - (now - target) ** 2) / (total * total);
  }
  return delta / share;
}
