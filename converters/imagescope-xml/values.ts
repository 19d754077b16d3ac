import { parseDecimal } from '../../src/io/xml.js';
import type { Messages } from '../../src/messages.js';

/** Where an attribute value was read, for messages. */
export interface ValueSite {
  file: string;
  line: number;
  messages: Messages;
}

/**
 * The root's `MicronsPerPixel` as a positive number, or undefined. Absent, empty or 0 means
 * "not known" (ImageScope writes 0 for an uncalibrated slide); anything else that is not a
 * positive decimal number is warned about, since the slide then loses its scale.
 */
export function micronsPerPixel(
  text: string | undefined,
  site: ValueSite,
  repairComma: boolean,
): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const parsed = parseDecimal(text, repairComma);
  if (parsed.ok && parsed.value > 0 && Number.isFinite(parsed.value)) return parsed.value;
  if (parsed.ok && parsed.value === 0) return undefined;
  const comma = parsed.decimalComma
    ? '; pass --repair-decimal-comma to read the comma as a point'
    : '';
  site.messages.warn(
    'imagescope/microns-per-pixel',
    `MicronsPerPixel is not a positive number; the slide is read without a pixel size${comma}`,
    {
      file: site.file,
      place: `line ${site.line}`,
      expected: 'a positive decimal number such as "0.2520"',
      actual: JSON.stringify(text),
    },
  );
  return undefined;
}

/** Largest COLORREF: 0x00BBGGRR, the high byte is always 0. */
const MAX_COLORREF = 0xffffff;

/**
 * A layer's `LineColor` as a COLORREF integer, or undefined. A value that is not a whole
 * number from 0 to 16777215 is warned about: the layer is read without a colour.
 */
export function lineColor(text: string | undefined, site: ValueSite): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (value <= MAX_COLORREF) return value;
  site.messages.warn(
    'imagescope/line-color',
    'LineColor is not a Windows colour number; the layer is read without a colour',
    {
      file: site.file,
      place: `line ${site.line}`,
      expected: 'a whole number from 0 to 16777215, the colour as 0x00BBGGRR',
      actual: JSON.stringify(text),
    },
  );
  return undefined;
}
