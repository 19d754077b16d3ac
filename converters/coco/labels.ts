import type { LossReport } from '../../src/loss.js';
import type { Label } from '../../src/model/types.js';

/**
 * MIDOG++ per-expert votes: each annotation's `labels` array holds one category id per expert,
 * by position. The file does not name the experts; slidepack calls them "expert 1" … "expert N"
 * and, when the annotators have other names, writes them in a top-level array under this key.
 */
export const LABEL_ANNOTATORS_KEY = 'label_annotators';

/** Default name of the voter at a position of `labels`. */
export function defaultAnnotatorName(index: number): string {
  return `expert ${index + 1}`;
}

/**
 * One object's labels as a positional array of category ids (null where an annotator gave no
 * class or no vote), or undefined when it has none. Later votes by the same annotator are lost.
 */
export function encodeLabels(
  objectId: string,
  labels: readonly Label[] | undefined,
  annotatorIndex: (annotator: string) => number,
  categoryId: (classId: string) => number,
  loss: LossReport,
): (number | null)[] | undefined {
  if (!labels?.length) return undefined;
  const votes: (number | null)[] = [];
  const voted = new Set<number>();
  for (const label of labels) {
    const index = annotatorIndex(label.annotator);
    if (voted.has(index)) {
      loss.add('DUPLICATE_VOTES_DROPPED', objectId, { kept: 'first vote of each annotator' });
      continue;
    }
    voted.add(index);
    while (votes.length <= index) votes.push(null);
    votes[index] = label.class === null ? null : categoryId(label.class);
  }
  return votes;
}
