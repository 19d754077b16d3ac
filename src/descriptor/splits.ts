import type { SlideInfo } from '../slide/info.js';
import type { Messages } from '../messages.js';
import type { AnnotationSet } from '../model/collect.js';
import { type LoadedDescriptor, placeNear } from './load.js';
import type { SplitUnit } from './types.js';
import { globToRegExp } from './glob.js';

/** Patient, case and block of a slide: from `subjects` in the descriptor, else the slide record. */
export function subjectOf(
  slideId: string,
  loaded: LoadedDescriptor,
  set: AnnotationSet,
): { patient?: string; case?: string; block?: string } {
  const declared = loaded.data.subjects?.[slideId] ?? {};
  const record = set.slides.get(slideId);
  const patient = declared.patient ?? record?.patient;
  const kase = declared.case ?? record?.case;
  return {
    ...(patient ? { patient } : {}),
    ...(kase ? { case: kase } : {}),
    ...(declared.block ? { block: declared.block } : {}),
  };
}

/** The group a slide belongs to for a split unit, or undefined when the data does not say. */
export function groupOf(
  slideId: string,
  unit: SplitUnit,
  loaded: LoadedDescriptor,
  set: AnnotationSet,
): string | undefined {
  if (unit === 'slide') return slideId;
  const subject = subjectOf(slideId, loaded, set);
  return unit === 'patient' || unit === 'animal' ? subject.patient : subject[unit];
}

/** Every slide id the dataset knows: from the annotation files and the slide folder. */
export function allSlideIds(set: AnnotationSet, slides: Map<string, SlideInfo>): string[] {
  return [...new Set([...set.slides.keys(), ...slides.keys()])].sort();
}

/**
 * The split of each slide from `splits.sets`. Members are ids of the split unit; a member
 * that matches no slide, or a slide placed in two splits, is an error naming both.
 */
export function resolveSplits(
  loaded: LoadedDescriptor,
  set: AnnotationSet,
  slides: Map<string, SlideInfo>,
  messages: Messages,
): Map<string, string> {
  const result = new Map<string, string>();
  const sets = loaded.data.splits?.sets;
  if (!sets) return result;
  const unit = loaded.data.splits?.unit ?? 'slide';
  const byGroup = new Map<string, string[]>();
  for (const slide of allSlideIds(set, slides)) {
    const group = groupOf(slide, unit, loaded, set);
    if (group !== undefined) byGroup.set(group, [...(byGroup.get(group) ?? []), slide]);
  }
  for (const [split, members] of Object.entries(sets)) {
    for (const [i, member] of members.entries()) {
      const place = `splits.sets.${split}[${i}]`;
      const slideIds = membersOf(member, byGroup);
      if (!slideIds.length) {
        messages.error(
          'splits/unknown-member',
          `${place}: ${unit} "${member}" does not exist in the data`,
          {
            file: loaded.path,
            place: lineOr(loaded, ['splits', 'sets', split, i], place),
            expected:
              unit === 'slide'
                ? 'a slide id from the annotation files or slide folder'
                : `a ${unit} id from subjects`,
          },
        );
        continue;
      }
      for (const slide of slideIds) assign(result, slide, split, place, loaded, messages);
    }
  }
  reportUnassigned(result, allSlideIds(set, slides), loaded, messages);
  return result;
}

/** The slides of a member id, or of every group a glob member (`0[0-4]?.tiff`) matches. */
function membersOf(member: string, byGroup: Map<string, string[]>): string[] {
  if (!/[*?[]/.test(member)) return byGroup.get(member) ?? [];
  const pattern = globToRegExp(member);
  return [...byGroup].filter(([group]) => pattern.test(group)).flatMap(([, slides]) => slides);
}

function assign(
  result: Map<string, string>,
  slide: string,
  split: string,
  place: string,
  loaded: LoadedDescriptor,
  messages: Messages,
): void {
  const before = result.get(slide);
  if (before && before !== split) {
    messages.error(
      'splits/duplicate',
      `${place}: slide "${slide}" is in two splits: ${before} and ${split}`,
      { file: loaded.path, place: placeNear(loaded, ['splits', 'sets', split]) },
    );
    return;
  }
  result.set(slide, split);
}

function reportUnassigned(
  result: Map<string, string>,
  slideIds: string[],
  loaded: LoadedDescriptor,
  messages: Messages,
): void {
  const missing = slideIds.filter((s) => !result.has(s));
  if (missing.length === 0) return;
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '');
  messages.warn('splits/unassigned', `${missing.length} slide(s) are in no split: ${shown}`, {
    file: loaded.path,
    place: placeNear(loaded, ['splits', 'sets']),
  });
}

function lineOr(loaded: LoadedDescriptor, at: (string | number)[], fallback: string): string {
  const line = loaded.lineOf(at);
  return line ? `line ${line}` : fallback;
}

/**
 * Leakage: the same patient, case or slide fingerprint (SHA-256 of the file) in two splits.
 * Each is an error naming the shared id, both splits and a slide from each.
 */
export function checkLeakage(
  splitOf: Map<string, string>,
  loaded: LoadedDescriptor,
  set: AnnotationSet,
  slides: Map<string, SlideInfo>,
  messages: Messages,
): number {
  const keys: [string, (slide: string) => string | undefined][] = [
    ['patient', (s) => subjectOf(s, loaded, set).patient],
    ['case', (s) => subjectOf(s, loaded, set).case],
    ['slide fingerprint', (s) => slides.get(s)?.sha256 ?? set.slides.get(s)?.fingerprint],
  ];
  let leaks = 0;
  for (const [what, keyOf] of keys) {
    const seen = new Map<string, Map<string, string>>();
    for (const [slide, split] of splitOf) {
      const key = keyOf(slide);
      if (!key) continue;
      const splits = seen.get(key) ?? new Map<string, string>();
      if (!splits.has(split)) splits.set(split, slide);
      seen.set(key, splits);
    }
    for (const [key, splits] of seen) {
      if (splits.size < 2) continue;
      leaks++;
      const where = [...splits].map(([split, slide]) => `${split} (slide ${slide})`).join(' and ');
      const second = [...splits.keys()][1]!;
      messages.error('splits/leak', `${what} "${key}" is in ${splits.size} splits: ${where}`, {
        file: loaded.path,
        place: placeNear(loaded, ['splits', 'sets', second]),
        expected: `each ${what} in one split only`,
      });
    }
  }
  return leaks;
}
