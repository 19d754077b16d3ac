import type { AnnotationSet } from '../model/collect.js';
import type { SlideInfo } from '../slide/info.js';

// LIMITATION: agreement is computed here because src/stats (computeStats) had not landed.

/** Pairwise agreement between annotators on the objects both labelled, as sentences. */
export function agreementLines(set: AnnotationSet, _slides: Map<string, SlideInfo>): string[] {
  const votes = set.objects.map((o) => firstVotes(o.labels ?? []));
  const annotators = [...new Set(votes.flatMap((v) => [...v.keys()]))].sort();
  const lines: string[] = [];
  for (const [i, a] of annotators.entries()) {
    for (const b of annotators.slice(i + 1)) {
      const pairs = votes
        .filter((v) => v.has(a) && v.has(b))
        .map((v): [string, string] => [v.get(a)!, v.get(b)!]);
      if (pairs.length < 2) continue;
      const agree = pairs.filter(([x, y]) => x === y).length;
      const kappa = cohenKappa(pairs);
      lines.push(
        `${a} vs ${b}: ${pairs.length} objects labelled by both, same class on ${agree} ` +
          `(${((100 * agree) / pairs.length).toFixed(1)} %), Cohen's κ ${kappa === undefined ? 'undefined (one class only)' : kappa.toFixed(3)}`,
      );
    }
  }
  return lines;
}

/** Each annotator's first vote on an object; a missing class counts as its own category. */
function firstVotes(labels: { annotator: string; class: string | null }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const label of labels)
    if (!out.has(label.annotator)) out.set(label.annotator, label.class ?? '(no class)');
  return out;
}

function cohenKappa(pairs: [string, string][]): number | undefined {
  const n = pairs.length;
  const observed = pairs.filter(([x, y]) => x === y).length / n;
  const left = new Map<string, number>();
  const right = new Map<string, number>();
  for (const [x, y] of pairs) {
    left.set(x, (left.get(x) ?? 0) + 1);
    right.set(y, (right.get(y) ?? 0) + 1);
  }
  let expected = 0;
  for (const [k, v] of left) expected += (v / n) * ((right.get(k) ?? 0) / n);
  return expected === 1 ? undefined : (observed - expected) / (1 - expected);
}
