import type { AssociatedImage } from './info.js';

/** What slidepack takes from an OME-XML header. */
export interface OmeFacts {
  mpp?: { x: number; y: number };
  objectivePower?: number;
  vendor?: string;
  scanner?: string;
  associated: AssociatedImage[];
  properties: Record<string, string>;
}

/** Microns per unit for the OME `UnitsLength` values a slide can use. */
const MICRONS: Record<string, number> = {
  m: 1e6,
  cm: 1e4,
  mm: 1e3,
  '\u00b5m': 1,
  '\u03bcm': 1,
  um: 1,
  nm: 1e-3,
  pm: 1e-6,
  Å: 1e-4,
};

const ASSOCIATED: Record<string, AssociatedImage['kind']> = {
  label: 'label',
  macro: 'macro',
  overview: 'macro',
  thumbnail: 'thumbnail',
};

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Read physical pixel size, objective and associated images from OME-XML text. */
export function readOmeXml(xml: string): OmeFacts {
  const facts: OmeFacts = { associated: [], properties: {} };
  const images = [...xml.matchAll(/<(?:\w+:)?Image\b[^>]*>[\s\S]*?<\/(?:\w+:)?Image>/g)];
  const first = images[0]?.[0] ?? '';
  const pixels = attributes(first.match(/<(?:\w+:)?Pixels\b[^>]*>/)?.[0] ?? '');
  const x = physicalSize(pixels.PhysicalSizeX, pixels.PhysicalSizeXUnit);
  const y = physicalSize(pixels.PhysicalSizeY, pixels.PhysicalSizeYUnit);
  if (x && y) facts.mpp = { x, y };
  for (const key of [
    'PhysicalSizeX',
    'PhysicalSizeY',
    'SizeX',
    'SizeY',
    'SizeC',
    'SizeZ',
    'Type',
  ]) {
    if (pixels[key]) facts.properties[`ome.${key}`] = pixels[key]!;
  }

  const objective = attributes(xml.match(/<(?:\w+:)?Objective\b[^>]*>/)?.[0] ?? '');
  const power = Number(objective.NominalMagnification);
  if (power > 0) facts.objectivePower = power;
  const microscope = attributes(xml.match(/<(?:\w+:)?Microscope\b[^>]*>/)?.[0] ?? '');
  if (microscope.Manufacturer) facts.vendor = microscope.Manufacturer;
  if (microscope.Model) facts.scanner = microscope.Model;

  for (const [n, image] of images.entries()) {
    const name = (attributes(image[0].match(/<(?:\w+:)?Image\b[^>]*>/)?.[0] ?? '').Name ?? '')
      .trim()
      .toLowerCase();
    const kind = ASSOCIATED[name];
    if (n === 0 || !kind) continue;
    const size = attributes(image[0].match(/<(?:\w+:)?Pixels\b[^>]*>/)?.[0] ?? '');
    facts.associated.push({
      kind,
      width: Number(size.SizeX),
      height: Number(size.SizeY),
      mayIdentifyPatient: true,
    });
  }
  return facts;
}

function physicalSize(value: string | undefined, unit = 'µm'): number | undefined {
  const n = Number(value);
  const scale = MICRONS[unit];
  if (!value || !Number.isFinite(n) || n <= 0 || scale === undefined) return undefined;
  return n * scale;
}
