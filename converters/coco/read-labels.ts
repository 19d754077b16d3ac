import type { Label } from '../../src/model/types.js';
import { Problem, show } from './problem.js';

/** What reading votes needs: category id → class id (undefined: no class), annotator ids. */
export interface LabelScope {
  classIds: Map<string, string | undefined>;
  /** Annotator ids by position of MIDOG++ `labels`. */
  annotators: string[];
}

/** MIDOG++ `labels`: one category id per expert, by position; null is a vote without class. */
export function readPositionalLabels(values: unknown[], pointer: string, scope: LabelScope) {
  return values.map(
    (value, i): Label => ({
      annotator: scope.annotators[i]!,
      class: voteClass(value, `${pointer}/${i}`, scope),
    }),
  );
}

/** slidepack's `label_votes`: `{annotator, category_id, source_id?, exact_id?}` each. */
export function readVotes(values: unknown, pointer: string, scope: LabelScope): Label[] {
  if (!Array.isArray(values)) {
    throw new Problem(pointer, 'label_votes must be a list of votes', 'an array', values);
  }
  return values.map((value, i) => {
    const where = `${pointer}/${i}`;
    const vote = value as Record<string, unknown> | null;
    if (typeof vote !== 'object' || vote === null || typeof vote.annotator !== 'string') {
      const expected = '{"annotator": "<id>", "category_id": <id or null>}';
      throw new Problem(where, 'a vote needs an "annotator"', expected, value);
    }
    const label: Label = {
      annotator: vote.annotator,
      class: voteClass(vote.category_id ?? null, `${where}/category_id`, scope),
    };
    const sourceId = vote.source_id;
    if (typeof sourceId === 'number' || typeof sourceId === 'string') label.sourceId = sourceId;
    const exactId = vote.exact_id;
    if (typeof exactId === 'number' || exactId === null) label.exactId = exactId;
    return label;
  });
}

function voteClass(value: unknown, pointer: string, scope: LabelScope): string | null {
  if (value === null) return null;
  if (!scope.classIds.has(String(value))) {
    throw new Problem(pointer, `label ${show(value)} is not a category id`);
  }
  return scope.classIds.get(String(value)) ?? null;
}
