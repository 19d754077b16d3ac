import { describe, expect, it } from 'vitest';
import {
  columnStats,
  decodeRleString,
  encodeRleString,
  maskToImageRle,
  polygonColumns,
  rleColumns,
  rleFromColumns,
  rleFromRows,
  rleToRows,
} from '../../src/geometry/rle.js';

// Every expected value below was worked out by hand from the grid in its comment. Counts run
// column by column (top to bottom, then left to right), starting with a background run.

describe('RLE counts', () => {
  it('should encode a 3 × 3 ring with a hole in the middle column-major', () => {
    // 1 1 1      columns: c0 = 1 1 1, c1 = 1 0 1, c2 = 1 1 1
    // 1 0 1      sequence: 1 1 1 1 | 0 | 1 1 1 1
    // 1 1 1      counts:   [0 background, 4 fg, 1 bg (the hole), 4 fg]
    const rows = [
      [1, 1, 1],
      [1, 0, 1],
      [1, 1, 1],
    ];
    expect(rleFromRows(rows)).toEqual([0, 4, 1, 4]);
    expect(rleToRows([0, 4, 1, 4], 3, 3)).toEqual(rows);
  });

  it('should read columns first, not rows', () => {
    // 0 1 1      columns: c0 = 0 0, c1 = 1 0, c2 = 1 1 → 0 0 1 0 1 1 → [2, 1, 1, 2]
    // 0 0 1      (row by row it would be 0 1 1 0 0 1 → [1, 2, 2, 1])
    const rows = [
      [0, 1, 1],
      [0, 0, 1],
    ];
    expect(rleFromRows(rows)).toEqual([2, 1, 1, 2]);
    expect(rleToRows([2, 1, 1, 2], 2, 3)).toEqual(rows);
  });

  it('should list the foreground of each column and measure area and box', () => {
    // same 2 × 3 mask: column 1 has row 0, column 2 has rows 0–1; area 3, box x 1 y 0 w 2 h 2
    const columns = [...rleColumns([2, 1, 1, 2], 2)];
    expect(columns).toEqual([
      { x: 1, runs: [[0, 1]] },
      { x: 2, runs: [[0, 2]] },
    ]);
    expect(columnStats(columns)).toEqual({ area: 3, bbox: [1, 0, 2, 2] });
    expect(rleFromColumns(columns, 3, 2)).toEqual([2, 1, 1, 2]);
  });
});

describe('compressed RLE strings', () => {
  it('should encode the ring with a hole as "0410"', () => {
    // 0 → '0' (48); 4 → '4'; the third count is written as is: 1 → '1';
    // the fourth is a difference from the second: 4 - 4 = 0 → '0'
    expect(encodeRleString([0, 4, 1, 4])).toBe('0410');
    expect(decodeRleString('0410')).toEqual([0, 4, 1, 4]);
  });

  it('should write large values in 5-bit groups and negative differences with a sign bit', () => {
    // 100 = 3 × 32 + 4: low group 4 with the "more" bit 0x20 → 36 + 48 = 'T', then 3 → '3'
    // 3 → '3'; 10 (third count, as is) → 48 + 10 = ':'
    // fourth: 1 - 3 = -2 → low group 30 (0b11110, sign bit set), nothing more → 78 = 'N'
    expect(encodeRleString([100, 3, 10, 1])).toBe('T33:N');
    expect(decodeRleString('T33:N')).toEqual([100, 3, 10, 1]);
  });

  it('should spend a second group on 16, whose low group alone would read as negative', () => {
    // 16 = 0b10000: the group has bit 0x10 set, so a 0 group must follow: 16 | 0x20 = 48 → '`'
    expect(encodeRleString([16])).toBe('`0');
    expect(decodeRleString('`0')).toEqual([16]);
  });

  it('should round-trip counts larger than 32 bits', () => {
    const counts = [8_000_000_000, 12, 3_000_000_000, 7];
    expect(decodeRleString(encodeRleString(counts))).toEqual(counts);
  });

  it('should refuse characters outside the alphabet', () => {
    expect(() => decodeRleString('0 4')).toThrow(/not in the RLE alphabet/);
  });
});

describe('polygon rasterisation', () => {
  it('should fill a square with a square hole by pixel centres', () => {
    // outer (0,0)–(4,4), hole (1,1)–(3,3) on a 5 × 5 image. Centres x + 0.5 inside (0, 4) are
    // columns 0–3, inside the hole (1, 3) columns 1–2 (rows likewise):
    // y0: 1 1 1 1 0     c0 = 1 1 1 1 0   c1 = 1 0 0 1 0   c2 = 1 0 0 1 0
    // y1: 1 0 0 1 0     c3 = 1 1 1 1 0   c4 = 0 0 0 0 0
    // y2: 1 0 0 1 0     runs: 0 | 4 fg | 1 | 1 fg | 2 | 1 fg | 1 | 1 fg | 2 | 1 fg | 1 |
    // y3: 1 1 1 1 0           4 fg | 1 + 5 = 6
    // y4: 0 0 0 0 0     area 16 - 4 = 12, box [0, 0, 4, 4]
    const polygon = [
      [
        [0, 0],
        [4, 0],
        [4, 4],
        [0, 4],
      ],
      [
        [1, 1],
        [3, 1],
        [3, 3],
        [1, 3],
      ],
    ] as [number, number][][];
    const columns = polygonColumns([polygon], { width: 5, height: 5 });
    const counts = rleFromColumns(columns, 5, 5);
    expect(counts).toEqual([0, 4, 1, 1, 2, 1, 1, 1, 2, 1, 1, 4, 6]);
    expect(columnStats(columns)).toEqual({ area: 12, bbox: [0, 0, 4, 4] });
    // Differences from i = 3 on: 1-4 = -3 → 29 'M'; 2-1 = 1; 1-1 = 0; 1-2 = -1 → 31 'O';
    // 1-1 = 0; 2-1 = 1; 1-1 = 0; 1-2 = -1 'O'; 4-1 = 3; 6-1 = 5
    expect(encodeRleString(counts)).toBe('041M10O010O35');
  });

  it('should unite overlapping parts instead of cancelling them', () => {
    // two 2 × 1 bars on a 3 × 1 image overlapping in column 1: union is columns 0–2
    const a = [
      [0, 0],
      [2, 0],
      [2, 1],
      [0, 1],
    ] as [number, number][];
    const b = a.map(([x, y]) => [x + 1, y] as [number, number]);
    const columns = polygonColumns([[a], [b]], { width: 3, height: 1 });
    expect(rleFromColumns(columns, 3, 1)).toEqual([0, 3]);
  });

  it('should cut a polygon to the image', () => {
    // a square from (-1,-1) to (2,2) on a 2 × 2 image covers all 4 pixels
    const ring = [
      [-1, -1],
      [2, -1],
      [2, 2],
      [-1, 2],
    ] as [number, number][];
    const columns = polygonColumns([[ring]], { width: 2, height: 2 });
    expect(rleFromColumns(columns, 2, 2)).toEqual([0, 4]);
  });
});

describe('placing a mask on an image', () => {
  it('should move a column-major mask to its offset', () => {
    // the 2 × 2 mask  1 0   (counts [0, 1, 3]) at x 1, y 1 on a 3 × 3 image sets pixel (1, 1):
    //                 0 0
    // column-major: c0 = 0 0 0, c1 = 0 1 0, c2 = 0 0 0 → [4, 1, 4]
    const mask = { type: 'mask' as const, x: 1, y: 1, width: 2, height: 2, counts: [0, 1, 3] };
    expect(maskToImageRle({ ...mask, order: 'column-major' }, 3, 3)).toEqual([4, 1, 4]);
  });

  it('should transpose a row-major mask', () => {
    // rows 0 1 / 0 0 (row-major counts [1, 1, 2]) at (0, 0) on a 2 × 2 image: pixel x 1, y 0;
    // column-major: c0 = 0 0, c1 = 1 0 → [2, 1, 1]
    const mask = { type: 'mask' as const, x: 0, y: 0, width: 2, height: 2, counts: [1, 1, 2] };
    expect(maskToImageRle({ ...mask, order: 'row-major' }, 2, 2)).toEqual([2, 1, 1]);
  });
});
