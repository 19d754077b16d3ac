import type { MaskGeometry, Point, Ring } from '../model/types.js';

/**
 * COCO run-length encoding: a binary mask of height × width read column by column (Fortran
 * order, as pycocotools stores it) as alternating runs of background and foreground, starting
 * with background (a first count of 0 when the first pixel is foreground).
 *
 * Nothing here allocates width × height: masks are handled as foreground intervals per column,
 * so an RLE over a 100 000 × 80 000 slide costs memory for its runs only. A pixel belongs to a
 * polygon when its centre (x + 0.5, y + 0.5) is inside it (even-odd per polygon, union of parts).
 */

/** Foreground rows [start, end) of one pixel column. */
export interface Column {
  x: number;
  runs: [number, number][];
}

/** Area in pixels and the tight box [x, y, w, h] of a mask; the box is undefined when empty. */
export interface MaskStats {
  area: number;
  bbox: [number, number, number, number] | undefined;
}

/** Encode counts in pycocotools' compressed string form (LEB128-like, deltas from i > 2). */
export function encodeRleString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    // Arithmetic instead of bit operators: counts of a whole slide exceed 32 bits.
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** Decode pycocotools' compressed string form; throws on characters outside its alphabet. */
export function decodeRleString(text: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= text.length) throw new Error('the compressed counts end in the middle of a number');
      const c = text.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`character "${text[p]}" is not in the RLE alphabet`);
      x += (c & 0x1f) * 32 ** k;
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 32 ** k;
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Appends runs, merging neighbours of the same value; the first count is background. */
class RunBuilder {
  readonly counts: number[] = [0];
  private value = 0;

  push(value: number, length: number): void {
    if (length <= 0) return;
    if (value === this.value) this.counts[this.counts.length - 1]! += length;
    else {
      this.counts.push(length);
      this.value = value;
    }
  }
}

/** Column-major counts of a width × height image from its foreground columns (ascending x). */
export function rleFromColumns(columns: Iterable<Column>, width: number, height: number): number[] {
  const runs = new RunBuilder();
  let nextX = 0;
  for (const { x, runs: intervals } of columns) {
    if (x < nextX || x >= width) continue;
    runs.push(0, (x - nextX) * height);
    let y = 0;
    for (const [start, end] of intervals) {
      const a = Math.max(start, y);
      const b = Math.min(end, height);
      if (b <= a) continue;
      runs.push(0, a - y);
      runs.push(1, b - a);
      y = b;
    }
    runs.push(0, height - y);
    nextX = x + 1;
  }
  runs.push(0, (width - nextX) * height);
  return runs.counts;
}

/** The foreground columns of column-major counts, in ascending x. */
export function* rleColumns(counts: readonly number[], height: number): Generator<Column> {
  let position = 0;
  let current: Column | undefined;
  for (let i = 0; i < counts.length; i++) {
    const length = counts[i]!;
    if (i % 2 === 1) {
      let start = position;
      const end = position + length;
      while (start < end) {
        const x = Math.floor(start / height);
        const stop = Math.min(end, (x + 1) * height);
        if (current && current.x !== x) {
          yield current;
          current = undefined;
        }
        current ??= { x, runs: [] };
        current.runs.push([start - x * height, stop - x * height]);
        start = stop;
      }
    }
    position += length;
  }
  if (current) yield current;
}

/** Pixel area and tight box of foreground columns. */
export function columnStats(columns: Iterable<Column>): MaskStats {
  let area = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const { x, runs } of columns) {
    for (const [a, b] of runs) {
      area += b - a;
      minY = Math.min(minY, a);
      maxY = Math.max(maxY, b);
    }
    if (runs.length) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x + 1);
    }
  }
  const bbox: MaskStats['bbox'] = area > 0 ? [minX, minY, maxX - minX, maxY - minY] : undefined;
  return { area, bbox };
}

/** Sum of the counts: must equal width × height for a valid RLE. */
export function rleLength(counts: readonly number[]): number {
  return counts.reduce((sum, n) => sum + n, 0);
}

/**
 * Foreground columns of polygons (each: outer ring, then holes), cut to the image when its size
 * is given. Each polygon is filled even-odd; parts are united, as COCO merges them.
 */
export function polygonColumns(
  polygons: readonly Ring[][],
  image?: { width: number; height: number },
): Column[] {
  const columns: Column[] = [];
  scanPolygons(polygons, image, (x, runs) => columns.push({ x, runs }));
  return columns;
}

/** Pixel count of polygons by the same rule, without keeping their columns. */
export function polygonPixelArea(polygons: readonly Ring[][]): number {
  let area = 0;
  scanPolygons(polygons, undefined, (_, runs) => {
    for (const [a, b] of runs) area += b - a;
  });
  return area;
}

interface Edge {
  part: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  minX: number;
  maxX: number;
}

/** Sweep a vertical sampling line through pixel centres, keeping only the edges it crosses. */
function scanPolygons(
  polygons: readonly Ring[][],
  image: { width: number; height: number } | undefined,
  visit: (x: number, runs: [number, number][]) => void,
): void {
  const edges = polygons.flatMap((rings, part) => ringEdges(rings, part));
  if (edges.length === 0) return;
  edges.sort((a, b) => a.minX - b.minX);
  const right = edges.reduce((m, e) => Math.max(m, e.maxX), -Infinity);
  const minX = Math.max(image ? 0 : -Infinity, Math.floor(edges[0]!.minX));
  const maxX = Math.min(image?.width ?? Infinity, Math.ceil(right));
  const rows: Rows = [image ? 0 : -Infinity, image?.height ?? Infinity];
  const crossings: number[][] = polygons.map(() => []);
  const active: Edge[] = [];
  let next = 0;
  for (let x = minX; x < maxX; x++) {
    const sx = x + 0.5;
    while (next < edges.length && edges[next]!.minX <= sx) active.push(edges[next++]!);
    let kept = 0;
    for (const e of active) if (e.maxX >= sx) active[kept++] = e;
    active.length = kept;
    const runs = columnRuns(active, sx, crossings, rows);
    if (runs.length) visit(x, runs);
  }
}

type Rows = [top: number, bottom: number];

function ringEdges(rings: readonly Ring[], part: number): Edge[] {
  const edges: Edge[] = [];
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const [x1, y1] = ring[i]!;
      const [x2, y2] = ring[(i + 1) % ring.length]! as Point;
      if (x1 === x2) continue; // vertical edges never cross a vertical sampling line
      edges.push({ part, x1, y1, x2, y2, minX: Math.min(x1, x2), maxX: Math.max(x1, x2) });
    }
  }
  return edges;
}

/** Even-odd spans of each part at sampling line sx, as pixel rows, united across parts. */
function columnRuns(active: Edge[], sx: number, crossings: number[][], [top, bottom]: Rows) {
  for (const list of crossings) list.length = 0;
  for (const e of active) {
    // Half-open test so a vertex on the line is counted once.
    if (e.x1 <= sx === e.x2 <= sx) continue;
    crossings[e.part]!.push(e.y1 + ((sx - e.x1) * (e.y2 - e.y1)) / (e.x2 - e.x1));
  }
  const spans: [number, number][] = [];
  for (const ys of crossings) {
    if (ys.length > 2) ys.sort((a, b) => a - b);
    else if (ys.length === 2 && ys[0]! > ys[1]!) ys.reverse();
    for (let i = 0; i + 1 < ys.length; i += 2) {
      // Rows whose centre y + 0.5 lies in [ys[i], ys[i + 1]).
      const a = Math.max(top, Math.ceil(ys[i]! - 0.5));
      const b = Math.min(bottom, Math.ceil(ys[i + 1]! - 0.5));
      if (b > a) spans.push([a, b]);
    }
  }
  return crossings.length > 1 ? unite(spans) : spans;
}

function unite(spans: [number, number][]): [number, number][] {
  spans.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else out.push([span[0], span[1]]);
  }
  return out;
}

/**
 * A canonical mask placed on a width × height image as column-major counts. Offsets are
 * rounded to whole pixels; pixels outside the image are cut off.
 */
export function maskToImageRle(mask: MaskGeometry, width: number, height: number): number[] {
  const dx = Math.round(mask.x);
  const dy = Math.round(mask.y);
  const source =
    mask.order === 'column-major'
      ? rleColumns(mask.counts, mask.height)
      : rleColumns(transpose(mask.counts, mask.width, mask.height), mask.height);
  return rleFromColumns(shift(source, dx, dy), width, height);
}

function* shift(columns: Iterable<Column>, dx: number, dy: number): Generator<Column> {
  for (const { x, runs } of columns) {
    if (x + dx < 0) continue;
    const moved = runs
      .map(([a, b]): [number, number] => [Math.max(0, a + dy), b + dy])
      .filter(([a, b]) => b > a);
    yield { x: x + dx, runs: moved };
  }
}

/**
 * Row-major counts to column-major ones through a bitmap.
 * LIMITATION: row-major masks are transposed in memory (width × height bytes).
 */
function transpose(counts: readonly number[], width: number, height: number): number[] {
  const rows = rleToGrid(counts, width, height);
  return rleFromGrid(Array.from({ length: width }, (_, x) => rows.map((row) => row[x]!)));
}

/** Counts read in the order given (column-major when `grid` is [y][x] transposed). */
function rleToGrid(counts: readonly number[], cols: number, rows: number): number[][] {
  const grid = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  let p = 0;
  counts.forEach((n, i) => {
    for (let k = 0; k < n; k++, p++) if (i % 2 === 1) grid[Math.floor(p / cols)]![p % cols] = 1;
  });
  return grid;
}

function rleFromGrid(grid: number[][]): number[] {
  const runs = new RunBuilder();
  for (const row of grid) for (const v of row) runs.push(v ? 1 : 0, 1);
  return runs.counts;
}

/** Column-major counts of a small mask given as rows (grid[y][x]); for tests and tools. */
export function rleFromRows(rows: number[][]): number[] {
  const width = rows[0]?.length ?? 0;
  return rleFromGrid(Array.from({ length: width }, (_, x) => rows.map((row) => row[x]!)));
}

/** A small mask as rows (grid[y][x]) from column-major counts; for tests and tools. */
export function rleToRows(counts: readonly number[], height: number, width: number): number[][] {
  const columns = rleToGrid(counts, height, width);
  return Array.from({ length: height }, (_, y) => columns.map((column) => column[y]!));
}
