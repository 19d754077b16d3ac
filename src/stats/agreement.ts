/**
 * Agreement between annotators who labelled the same objects: Fleiss' kappa over every rater
 * (Fleiss 1971, with the usual generalisation to a varying number of raters per object) and
 * Cohen's kappa for each pair of raters (Cohen 1960).
 */

/** One object's votes: annotator id → class id, one vote per annotator. */
export type Votes = Map<string, string>;

export interface FleissResult {
  /** Objects with at least two votes. */
  subjects: number;
  categories: string[];
  raters: { min: number; max: number };
  /** Mean observed agreement P̄ and chance agreement P̄e. */
  observed: number;
  expected: number;
  kappa: number | null;
}

export interface CohenResult {
  a: string;
  b: string;
  /** Objects both annotators labelled. */
  objects: number;
  observed: number;
  expected: number;
  kappa: number | null;
}

/**
 * Fleiss' kappa. For object i with n_i votes, n_ij of them for class j:
 * P_i = Σ_j n_ij (n_ij − 1) / (n_i (n_i − 1)), P̄ = mean P_i,
 * p_j = Σ_i n_ij / Σ_i n_i, P̄e = Σ_j p_j², κ = (P̄ − P̄e) / (1 − P̄e).
 */
export function fleissKappa(objects: Votes[]): FleissResult {
  const subjects = objects.filter((votes) => votes.size >= 2);
  const totals = new Map<string, number>();
  let votesAll = 0;
  let sumP = 0;
  for (const votes of subjects) {
    const counts = new Map<string, number>();
    for (const category of votes.values()) counts.set(category, (counts.get(category) ?? 0) + 1);
    const n = votes.size;
    let pairs = 0;
    for (const [category, c] of counts) {
      pairs += c * (c - 1);
      totals.set(category, (totals.get(category) ?? 0) + c);
    }
    sumP += pairs / (n * (n - 1));
    votesAll += n;
  }
  const observed = subjects.length ? sumP / subjects.length : 0;
  let expected = 0;
  for (const c of totals.values()) expected += (c / votesAll) ** 2;
  const sizes = subjects.map((v) => v.size);
  return {
    subjects: subjects.length,
    categories: [...totals.keys()].sort(),
    raters: {
      min: sizes.length ? Math.min(...sizes) : 0,
      max: sizes.length ? Math.max(...sizes) : 0,
    },
    observed,
    expected,
    kappa: subjects.length && expected < 1 ? (observed - expected) / (1 - expected) : null,
  };
}

/**
 * Cohen's kappa for two annotators over the objects both labelled: p_o is the share of equal
 * votes, p_e = Σ_j (share of a's votes for j) × (share of b's votes for j).
 */
export function cohenKappa(objects: Votes[], a: string, b: string): CohenResult {
  const pairs: [string, string][] = [];
  for (const votes of objects) {
    const va = votes.get(a);
    const vb = votes.get(b);
    if (va !== undefined && vb !== undefined) pairs.push([va, vb]);
  }
  const n = pairs.length;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let equal = 0;
  for (const [va, vb] of pairs) {
    if (va === vb) equal++;
    countA.set(va, (countA.get(va) ?? 0) + 1);
    countB.set(vb, (countB.get(vb) ?? 0) + 1);
  }
  let expected = 0;
  for (const [category, c] of countA) expected += (c / n) * ((countB.get(category) ?? 0) / n);
  const observed = n ? equal / n : 0;
  return {
    a,
    b,
    objects: n,
    observed,
    expected: n ? expected : 0,
    kappa: n && expected < 1 ? (observed - expected) / (1 - expected) : null,
  };
}

/** Cohen's kappa for every pair of annotators who share at least one object. */
export function pairwiseCohen(objects: Votes[], annotators: string[]): CohenResult[] {
  const out: CohenResult[] = [];
  const sorted = [...annotators].sort();
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const result = cohenKappa(objects, sorted[i]!, sorted[j]!);
      if (result.objects > 0) out.push(result);
    }
  }
  return out;
}
