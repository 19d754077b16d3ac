import type { Point } from '../model/types.js';

/**
 * Detection agreement between two annotators who marked objects separately (e.g. mitoses as
 * points): each object of one set may match one object of the other on the same slide whose
 * centre lies within `radius` pixels; pairs are matched greedily, closest first, as the MIDOG
 * challenge evaluation does. Precision = TP / test objects, recall = TP / reference objects.
 */
export interface Detection {
  slide: string;
  at: Point;
  class?: string;
}

export interface DetectionResult {
  reference: string;
  test: string;
  radius: number;
  referenceObjects: number;
  testObjects: number;
  matched: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/** Match two detection sets and score the second against the first. */
export function matchDetections(
  reference: Detection[],
  test: Detection[],
  radius: number,
): { matched: number } {
  let matched = 0;
  const slides = new Set([...reference, ...test].map((d) => d.slide));
  for (const slide of slides) {
    const refs = reference.filter((d) => d.slide === slide);
    const tests = test.filter((d) => d.slide === slide);
    matched += matchSlide(refs, tests, radius);
  }
  return { matched };
}

function matchSlide(refs: Detection[], tests: Detection[], radius: number): number {
  const grid = new Map<string, number[]>();
  const cell = (p: Point) => [Math.floor(p[0] / radius), Math.floor(p[1] / radius)] as const;
  for (const [j, t] of tests.entries()) {
    const [cx, cy] = cell(t.at);
    const key = `${cx},${cy}`;
    const list = grid.get(key) ?? [];
    list.push(j);
    grid.set(key, list);
  }
  const candidates: [number, number, number][] = [];
  for (const [i, r] of refs.entries()) {
    const [cx, cy] = cell(r.at);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          const d = Math.hypot(r.at[0] - tests[j]!.at[0], r.at[1] - tests[j]!.at[1]);
          if (d <= radius) candidates.push([d, i, j]);
        }
      }
    }
  }
  candidates.sort((p, q) => p[0] - q[0]);
  const usedRef = new Set<number>();
  const usedTest = new Set<number>();
  for (const [, i, j] of candidates) {
    if (usedRef.has(i) || usedTest.has(j)) continue;
    usedRef.add(i);
    usedTest.add(j);
  }
  return usedRef.size;
}

/** Precision, recall and F1 of `test` against `reference`. */
export function scoreDetections(
  names: { reference: string; test: string },
  reference: Detection[],
  test: Detection[],
  radius: number,
): DetectionResult {
  const { matched } = matchDetections(reference, test, radius);
  const precision = test.length ? matched / test.length : null;
  const recall = reference.length ? matched / reference.length : null;
  const f1 =
    reference.length + test.length ? (2 * matched) / (reference.length + test.length) : null;
  return {
    ...names,
    radius,
    referenceObjects: reference.length,
    testObjects: test.length,
    matched,
    precision,
    recall,
    f1,
  };
}
