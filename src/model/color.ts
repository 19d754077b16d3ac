import type { Color } from './types.js';

/** Colour conversions shared by the format converters. Channels are 0–255, alpha 0–1. */

const HEX6 = /^#?([0-9a-f]{6})$/i;
const HEX3 = /^#?([0-9a-f]{3})$/i;

/** `#rrggbb` or `#rgb` (with or without `#`) as a colour, or undefined for anything else. */
export function parseHexColor(text: string): Color | undefined {
  const trimmed = text.trim();
  const long = HEX6.exec(trimmed)?.[1];
  const short = HEX3.exec(trimmed)?.[1];
  const digits = long ?? (short ? [...short].map((c) => c + c).join('') : undefined);
  if (!digits) return undefined;
  const value = Number.parseInt(digits, 16);
  return {
    rgba: [(value >> 16) & 255, (value >> 8) & 255, value & 255, 1],
    source: { form: 'hex', value: text },
  };
}

/** Lowercase `#rrggbb` of a colour (alpha is not written). */
export function toHex(color: Color): string {
  const [r, g, b] = color.rgba;
  return `#${[r, g, b].map((c) => clampByte(c).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A Windows COLORREF (0x00BBGGRR: red in the low byte) as a colour. Aperio ImageScope stores
 * layer colours this way; see converters/imagescope-xml/format.ts for the evidence.
 */
export function fromColorref(value: number): Color {
  return {
    rgba: [value & 255, (value >> 8) & 255, (value >> 16) & 255, 1],
    source: { form: 'colorref', value },
  };
}

/** The COLORREF integer (0x00BBGGRR) of a colour. */
export function toColorref(color: Color): number {
  const [r, g, b] = color.rgba;
  return clampByte(r) + clampByte(g) * 256 + clampByte(b) * 65536;
}

function clampByte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}

/** True when two colours have the same red, green and blue channels. */
export function sameRgb(a: Color | undefined, b: Color | undefined): boolean {
  if (!a || !b) return a === b;
  return a.rgba[0] === b.rgba[0] && a.rgba[1] === b.rgba[1] && a.rgba[2] === b.rgba[2];
}
