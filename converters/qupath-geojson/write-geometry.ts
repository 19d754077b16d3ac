import { ellipseRing, rectangleRing, splineRing } from '../../src/geometry/shapes.js';
import type { LossReport } from '../../src/loss.js';
import type { Geometry, Point, Ring } from '../../src/model/types.js';

/** Samples per spline segment when a spline is densified into a polygon or line. */
export const SPLINE_SAMPLES = 16;

/** Decimal places QuPath writes coordinates with. */
export const DECIMALS = 2;

export interface GeoJsonGeometry {
  type: string;
  coordinates: unknown;
  isEllipse?: true;
}

/**
 * Canonical geometry as QuPath GeoJSON: rings closed, coordinates rounded to 2 decimals like
 * QuPath's own writer, a one-part multipolygon as a Polygon. Shapes QuPath has no ROI for are
 * approximated (rectangle, spline, rotated ellipse) or dropped (mask), each in the loss report.
 */
export class GeometryWriter {
  /** True when rounding changed any coordinate of the current object. */
  rounded = false;

  constructor(
    private readonly loss: LossReport,
    private readonly ellipses: boolean,
  ) {}

  write(g: Geometry, id: string): GeoJsonGeometry | undefined {
    switch (g.type) {
      case 'point':
        return { type: 'Point', coordinates: this.point(g.coordinates) };
      case 'multipoint':
        return g.coordinates.length === 1
          ? { type: 'Point', coordinates: this.point(g.coordinates[0]!) }
          : { type: 'MultiPoint', coordinates: g.coordinates.map((p) => this.point(p)) };
      case 'line':
        return { type: 'LineString', coordinates: g.coordinates.map((p) => this.point(p)) };
      case 'polygon':
        return { type: 'Polygon', coordinates: this.rings(g.rings) };
      case 'multipolygon':
        return g.polygons.length === 1
          ? { type: 'Polygon', coordinates: this.rings(g.polygons[0]!) }
          : { type: 'MultiPolygon', coordinates: g.polygons.map((rings) => this.rings(rings)) };
      case 'rectangle':
        this.loss.add('RECTANGLE_POLYGONISED', id);
        return { type: 'Polygon', coordinates: [this.ring(rectangleRing(g))] };
      case 'ellipse':
        return this.ellipse(g, id);
      case 'spline':
        return this.spline(g, id);
      case 'mask':
        this.loss.add('MASK_UNSUPPORTED', id);
        return undefined;
    }
  }

  /** QuPath ≥0.4 keeps an axis-aligned ellipse (rebuilt from the envelope); others polygonise. */
  private ellipse(g: Extract<Geometry, { type: 'ellipse' }>, id: string): GeoJsonGeometry {
    const polygon = { type: 'Polygon', coordinates: [this.ring(ellipseRing(g))] };
    if (this.ellipses && !g.rotation) return { ...polygon, isEllipse: true };
    this.loss.add('ELLIPSE_POLYGONISED', id, {
      reason: this.ellipses ? 'rotated ellipse' : 'target version before 0.4',
    });
    return polygon;
  }

  private spline(g: Extract<Geometry, { type: 'spline' }>, id: string): GeoJsonGeometry {
    this.loss.add('SPLINE_DENSIFIED', id, { samplesPerSegment: SPLINE_SAMPLES });
    const points = splineRing(g, SPLINE_SAMPLES);
    if (g.interpolation === 'catmull-rom-open') {
      return { type: 'LineString', coordinates: points.map((p) => this.point(p)) };
    }
    return { type: 'Polygon', coordinates: [this.ring(points)] };
  }

  private rings(rings: Ring[]): number[][][] {
    return rings.map((r) => this.ring(r));
  }

  /** A closed ring: the first vertex repeated at the end unless it already is. */
  private ring(ring: Ring): number[][] {
    const out = ring.map((p) => this.point(p));
    const first = out[0];
    const last = out[out.length - 1];
    if (first && last && (out.length === 1 || first[0] !== last[0] || first[1] !== last[1])) {
      out.push([first[0]!, first[1]!]);
    }
    return out;
  }

  private point([x, y]: Point): number[] {
    return [this.round(x), this.round(y)];
  }

  private round(v: number): number {
    const r = Math.round(v * 100) / 100;
    // Values already on the 2-decimal grid differ only by float noise: not a change.
    if (!this.rounded && Math.abs(r - v) > 1e-6) this.rounded = true;
    return r === 0 ? 0 : r;
  }
}
