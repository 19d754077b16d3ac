/**
 * Inline SVG charts for the HTML datasheet: nothing loaded from elsewhere, text drawn with the
 * page's own fonts.
 */

const PALETTE = [
  '#2f6db5',
  '#d9822b',
  '#3a9d5d',
  '#b8423a',
  '#7d5ba6',
  '#8c6d31',
  '#c75b9b',
  '#5f6b73',
];

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Stacked horizontal bars: one bar per row (a split), one segment per series (a class), each
 * bar scaled to 100 % so splits of different sizes compare by class share.
 */
export function stackedBars(
  rows: string[],
  series: string[],
  value: (row: string, s: string) => number,
): string {
  const labelWidth = 110;
  const barWidth = 420;
  const rowHeight = 28;
  const legendHeight = 22 * Math.ceil(series.length / 3);
  const height = rows.length * rowHeight + legendHeight + 16;
  const parts: string[] = [];
  for (const [r, row] of rows.entries()) {
    const total = series.reduce((sum, s) => sum + value(row, s), 0);
    const y = 8 + r * rowHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(row)}</text>`,
    );
    let x = labelWidth;
    for (const [i, s] of series.entries()) {
      const n = value(row, s);
      const w = total ? (n / total) * barWidth : 0;
      if (w <= 0) continue;
      const title = `${row} / ${s}: ${n} (${((100 * n) / total).toFixed(1)} %)`;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="20" ` +
          `fill="${PALETTE[i % PALETTE.length]}"><title>${escapeXml(title)}</title></rect>`,
      );
      x += w;
    }
    parts.push(`<text x="${labelWidth + barWidth + 6}" y="${y + 15}">${total}</text>`);
  }
  const legendTop = 8 + rows.length * rowHeight + 6;
  for (const [i, s] of series.entries()) {
    const x = labelWidth + (i % 3) * 150;
    const y = legendTop + Math.floor(i / 3) * 22;
    parts.push(
      `<rect x="${x}" y="${y}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`,
    );
    parts.push(`<text x="${x + 17}" y="${y + 11}">${escapeXml(s)}</text>`);
  }
  const width = labelWidth + barWidth + 60;
  const size = `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`;
  return `<svg role="img" ${size} font-size="12">${parts.join('')}</svg>`;
}
