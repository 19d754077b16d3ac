import { describe, expect, it } from 'vitest';
import { type AnnotationSet, emptySet } from '../../src/model/collect.js';
import type { Label } from '../../src/model/types.js';
import { cohenKappa, fleissKappa, type Votes } from '../../src/stats/agreement.js';
import { computeStats } from '../../src/stats/index.js';

const FRAME = { origin: 'full-frame', pixelConvention: 'corner' } as const;

/** A set of point objects on slide "s", each with the given votes. */
function labelledSet(votes: Record<string, string>[]): AnnotationSet {
  const set = emptySet();
  set.slides.set('s', { type: 'slide', id: 's', name: 's', frame: FRAME });
  for (const [i, v] of votes.entries()) {
    const labels: Label[] = Object.entries(v).map(([annotator, cls]) => ({
      annotator,
      class: cls,
    }));
    set.objects.push({
      type: 'object',
      id: `o${i}`,
      slide: 's',
      kind: 'annotation',
      geometry: { type: 'point', coordinates: [i * 100, 0] },
      labels,
    });
  }
  return set;
}

describe('agreement against hand-computed examples', () => {
  /*
   * Four objects, three raters r1 r2 r3, classes x and y:
   *   A: x x x   n_x=3 n_y=0   P_A = (3·2 + 0) / (3·2) = 1
   *   B: x x y   n_x=2 n_y=1   P_B = (2·1 + 0) / 6     = 1/3
   *   C: y y y   n_x=0 n_y=3   P_C = 1
   *   D: x y y   n_x=1 n_y=2   P_D = (0 + 2·1) / 6     = 1/3
   * P̄ = (1 + 1/3 + 1 + 1/3) / 4 = 2/3
   * p_x = (3+2+0+1)/12 = 1/2, p_y = 1/2, P̄e = 1/4 + 1/4 = 1/2
   * κ = (2/3 − 1/2) / (1 − 1/2) = 1/3
   *
   * Cohen r1/r2: votes (x,x) (x,x) (y,y) (x,y): p_o = 3/4;
   *   r1 x 3/4 y 1/4, r2 x 1/2 y 1/2: p_e = 3/8 + 1/8 = 1/2; κ = (3/4 − 1/2)/(1/2) = 1/2
   * Cohen r1/r3: (x,x) (x,y) (y,y) (x,y): p_o = 1/2;
   *   r1 x 3/4 y 1/4, r3 x 1/4 y 3/4: p_e = 3/16 + 3/16 = 3/8; κ = (1/8)/(5/8) = 1/5
   * Cohen r2/r3: (x,x) (x,y) (y,y) (y,y): p_o = 3/4;
   *   r2 x 1/2 y 1/2, r3 x 1/4 y 3/4: p_e = 1/8 + 3/8 = 1/2; κ = (1/4)/(1/2) = 1/2
   */
  const votes = [
    { r1: 'x', r2: 'x', r3: 'x' },
    { r1: 'x', r2: 'x', r3: 'y' },
    { r1: 'y', r2: 'y', r3: 'y' },
    { r1: 'x', r2: 'y', r3: 'y' },
  ];

  it("should give Fleiss' kappa 1/3 and Cohen's kappas 1/2, 1/5, 1/2 on 4 × 3 votes", () => {
    const stats = computeStats(labelledSet(votes));
    const { fleiss, pairwise } = stats.agreement;
    expect(fleiss.observed).toBeCloseTo(2 / 3, 12);
    expect(fleiss.expected).toBeCloseTo(1 / 2, 12);
    expect(fleiss.kappa).toBeCloseTo(1 / 3, 12);
    expect(pairwise.map((p) => [p.a, p.b, p.objects])).toEqual([
      ['r1', 'r2', 4],
      ['r1', 'r3', 4],
      ['r2', 'r3', 4],
    ]);
    expect(pairwise.map((p) => p.kappa)).toEqual([
      expect.closeTo(1 / 2, 12),
      expect.closeTo(1 / 5, 12),
      expect.closeTo(1 / 2, 12),
    ]);
  });

  it("should reproduce the worked example of Fleiss' kappa (10 subjects, 14 raters): 0.210", () => {
    // Fleiss (1971) style table, as on Wikipedia's "Fleiss' kappa" page: n_ij per category.
    // P̄ = 0.378, P̄e = 0.213, κ = (0.378 − 0.213) / (1 − 0.213) = 0.210.
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const objects: Votes[] = table.map((row) => {
      const v: Votes = new Map();
      let rater = 0;
      for (const [category, n] of row.entries()) {
        for (let k = 0; k < n; k++) v.set(`r${rater++}`, `c${category + 1}`);
      }
      return v;
    });
    const result = fleissKappa(objects);
    expect(result.observed).toBeCloseTo(0.378, 3);
    expect(result.expected).toBeCloseTo(0.213, 3);
    expect(result.kappa).toBeCloseTo(0.21, 3);
  });

  it("should give Cohen's kappa 0 for chance agreement and 1 for complete", () => {
    // a: x x y y, b: x y x y → p_o = 1/2; p_e = 1/2·1/2 + 1/2·1/2 = 1/2 → κ = 0.
    const chance = ['xx', 'xy', 'yx', 'yy'].map(
      (p) =>
        new Map([
          ['a', p[0]!],
          ['b', p[1]!],
        ]),
    );
    expect(cohenKappa(chance, 'a', 'b').kappa).toBe(0);
    const same = ['xx', 'yy'].map(
      (p) =>
        new Map([
          ['a', p[0]!],
          ['b', p[1]!],
        ]),
    );
    expect(cohenKappa(same, 'a', 'b').kappa).toBe(1);
  });

  it('should use each annotator’s last vote and leave model annotators out', () => {
    const set = labelledSet([{ r1: 'x', r2: 'x' }]);
    set.objects[0]!.labels!.push({ annotator: 'r2', class: 'y' }, { annotator: 'net', class: 'x' });
    set.annotators.set('net', { type: 'annotator', id: 'net', name: 'net', kind: 'model' });
    const { agreement } = computeStats(set);
    expect(agreement.excluded).toEqual(['net']);
    expect(agreement.annotators).toEqual(['r1', 'r2']);
    // One object, votes x (r1) and y (r2, revised): P = 0, p_x = p_y = 1/2,
    // κ = (0 − 1/2)/(1/2) = −1.
    expect(agreement.fleiss.kappa).toBe(-1);
  });
});

describe('detection agreement by distance', () => {
  /*
   * Reference a: (0,0) (100,0) (200,0). Test b: (3,4) at distance 5 from (0,0),
   * (100,20) at distance 20 from (100,0), and (500,500), far from all.
   * Radius 10: one match → precision 1/3, recall 1/3, F1 = 2·1/(3+3) = 1/3.
   * Radius 25: two matches → precision 2/3, recall 2/3, F1 = 4/6 = 2/3.
   */
  function twoReaders(): AnnotationSet {
    const set = emptySet();
    set.slides.set('s', { type: 'slide', id: 's', name: 's', frame: FRAME });
    const points: [string, number, number][] = [
      ['a', 0, 0],
      ['a', 100, 0],
      ['a', 200, 0],
      ['b', 3, 4],
      ['b', 100, 20],
      ['b', 500, 500],
    ];
    for (const [i, [who, x, y]] of points.entries()) {
      set.objects.push({
        type: 'object',
        id: `p${i}`,
        slide: 's',
        kind: 'annotation',
        class: 'mitosis',
        geometry: { type: 'point', coordinates: [x, y] },
        labels: [{ annotator: who, class: 'mitosis' }],
      });
    }
    return set;
  }

  it('should match within the radius only, closest first, one to one', () => {
    const [at10] = computeStats(twoReaders(), { radius: 10 }).agreement.detection;
    expect(at10).toMatchObject({ reference: 'a', test: 'b', matched: 1 });
    expect([at10!.precision, at10!.recall, at10!.f1]).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const [at25] = computeStats(twoReaders(), { radius: 25 }).agreement.detection;
    expect([at25!.matched, at25!.precision, at25!.recall, at25!.f1]).toEqual([
      2,
      2 / 3,
      2 / 3,
      2 / 3,
    ]);
  });

  it('should not match one reference point twice', () => {
    const set = twoReaders();
    // A second b point 1 px from (0,0): only one of the two b points near (0,0) can match it.
    set.objects.push({
      type: 'object',
      id: 'extra',
      slide: 's',
      kind: 'annotation',
      geometry: { type: 'point', coordinates: [1, 0] },
      labels: [{ annotator: 'b', class: 'mitosis' }],
    });
    const [result] = computeStats(set, { radius: 10 }).agreement.detection;
    expect(result!.matched).toBe(1);
    expect(result!.testObjects).toBe(4);
  });
});
