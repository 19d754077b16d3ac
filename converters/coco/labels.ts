import type { Annotator, Label } from '../../src/model/types.js';

/**
 * Per-annotator votes in COCO, in two forms.
 *
 * MIDOG++ writes `labels: [2, 2, 1]`: one category id per expert, by position, the experts
 * unnamed. A null there cannot tell "this expert did not vote" from "voted without a class",
 * and an expert cannot vote twice, so slidepack writes that form only when it says exactly
 * what the votes are: annotators named "expert 1" … "expert N" of unknown kind, and each object
 * voted on by experts 1 … k once each, in that order.
 *
 * Everything else is written as `label_votes`: a list of votes, each naming its annotator by
 * id (`{"annotator": "RetinaNet", "category_id": 2}`, `category_id` null for a vote without a
 * class), duplicates and SlideRunner label ids (`source_id`, `exact_id`) kept. The annotators
 * are listed, with name and kind, in a top-level array under {@link LABEL_ANNOTATORS_KEY}.
 */
export const LABEL_ANNOTATORS_KEY = 'label_annotators';
export const LABEL_VOTES_KEY = 'label_votes';

/** One entry of `label_votes`. */
export interface Vote {
  annotator: string;
  category_id: number | null;
  source_id?: string | number;
  exact_id?: number | null;
}

/** One entry of the top-level annotator list. */
export interface AnnotatorEntry {
  id?: string;
  name: string;
  kind: Annotator['kind'];
}

/** Default name of the voter at a position of `labels`. */
export function defaultAnnotatorName(index: number): string {
  return `expert ${index + 1}`;
}

/** True when an annotator is exactly what a reader of positional `labels` would make up. */
export function isDefaultAnnotator(annotator: Annotator, index: number): boolean {
  const name = defaultAnnotatorName(index);
  return annotator.id === name && annotator.name === name && annotator.kind === 'unknown';
}

export function annotatorEntry(annotator: Annotator): AnnotatorEntry {
  const entry: AnnotatorEntry = { name: annotator.name, kind: annotator.kind };
  return annotator.id === annotator.name ? entry : { id: annotator.id, ...entry };
}

/** The written votes of one object: positional `labels`, `label_votes`, or neither. */
export type EncodedLabels =
  | { labels: (number | null)[] }
  | { label_votes: Vote[] }
  | Record<string, never>;

/**
 * One object's labels in the form that holds them exactly (see above). `annotators` is every
 * annotator known so far in order; `positional` says whether they are all default experts.
 */
export function encodeLabels(
  labels: readonly Label[] | undefined,
  annotators: readonly string[],
  positional: boolean,
  categoryId: (classId: string) => number,
): EncodedLabels {
  if (!labels?.length) return {};
  const category = (label: Label) => (label.class === null ? null : categoryId(label.class));
  const exact = labels.every(
    (label, i) =>
      label.annotator === annotators[i] &&
      label.sourceId === undefined &&
      label.exactId === undefined,
  );
  if (positional && exact) return { labels: labels.map(category) };
  return {
    label_votes: labels.map((label) => {
      const vote: Vote = { annotator: label.annotator, category_id: category(label) };
      if (label.sourceId !== undefined) vote.source_id = label.sourceId;
      if (label.exactId !== undefined) vote.exact_id = label.exactId;
      return vote;
    }),
  };
}
