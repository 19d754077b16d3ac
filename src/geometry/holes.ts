import type { Ring } from '../model/types.js';
import { type Bounds, bounds, pointInRing, signedArea } from './shapes.js';

/**
 * Matches exclusion regions (an ASAP exclusion group, ImageScope `NegativeROA` regions) to the
 * regions that contain them, so that each exclusion can become a hole of its container. Formats
 * without holes store a hole as a separate shape; this puts them back together.
 *
 * Regions are offered one at a time (a reader streams them); an exclusion goes to the smallest
 * region whose ring holds every one of its vertices, so nested regions get the innermost one.
 */
export interface Exclusion<K> {
  key: K;
  ring: Ring;
  /** Only regions offered with the same scope may contain it (ImageScope: the same layer). */
  scope?: string;
}

interface Candidate<K, R> {
  exclusion: Exclusion<K>;
  box: Bounds;
  best?: R;
  bestArea: number;
}

// LIMITATION: an exclusion with a vertex outside every region stays separate; no overlap test.
export class HoleMatcher<K, R> {
  private readonly candidates: Candidate<K, R>[];

  constructor(exclusions: Exclusion<K>[]) {
    this.candidates = exclusions.map((exclusion) => ({
      exclusion,
      box: ringBounds(exclusion.ring),
      bestArea: Number.POSITIVE_INFINITY,
    }));
  }

  get size(): number {
    return this.candidates.length;
  }

  /** Consider `ring` (the outer ring of region `region`) as a container. */
  offer(region: R, ring: Ring, scope?: string): void {
    if (ring.length < 3) return;
    const box = ringBounds(ring);
    let area: number | undefined;
    for (const c of this.candidates) {
      if (c.exclusion.scope !== scope || !inside(c.box, box)) continue;
      if (!c.exclusion.ring.every((p) => pointInRing(p, ring))) continue;
      area ??= Math.abs(signedArea(ring));
      if (area < c.bestArea) {
        c.best = region;
        c.bestArea = area;
      }
    }
  }

  /** Container → the exclusions that become its holes, in the order they were given. */
  assignments(): Map<R, Exclusion<K>[]> {
    const out = new Map<R, Exclusion<K>[]>();
    for (const c of this.candidates) {
      if (c.best === undefined) continue;
      const list = out.get(c.best) ?? [];
      list.push(c.exclusion);
      out.set(c.best, list);
    }
    return out;
  }

  /** Exclusions that no offered region contains. */
  unmatched(): Exclusion<K>[] {
    return this.candidates.filter((c) => c.best === undefined).map((c) => c.exclusion);
  }
}

function ringBounds(ring: Ring): Bounds {
  return bounds({ type: 'line', coordinates: ring }) ?? { minX: 0, minY: 0, maxX: 0, maxY: 0 };
}

function inside(inner: Bounds, outer: Bounds): boolean {
  return (
    inner.minX >= outer.minX &&
    inner.minY >= outer.minY &&
    inner.maxX <= outer.maxX &&
    inner.maxY <= outer.maxY
  );
}
