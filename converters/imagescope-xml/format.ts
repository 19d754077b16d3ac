import type { ConverterOption, FormatInfo } from '../../src/converter.js';
import { UsageError } from '../../src/errors.js';

/**
 * Aperio ImageScope XML: layers (`Annotation`) of regions, one slide per file. There is no
 * public schema; the structure follows real exports (see formats.md §5.1).
 *
 * `LineColor` byte order: it is a Windows COLORREF, 0x00BBGGRR (red in the low byte), not
 * 0xRRGGBB. Evidence: the SarderLab files in the shared fixtures use 65280, 65535, 255 and
 * 16711680, and the same lab's writer (SarderLab/Microvascular_invasion, mask_to_xml.py) draws
 * layer colours from the palette [65280, 65535, 255, 16711680, 33023]. Read as COLORREF that is
 * green, yellow, red, blue, orange, five distinct annotation colours; read as 0xRRGGBB it would
 * be green, cyan, blue, red and #0080FF, two near-identical blues. ImageScope is a Win32
 * program, where COLORREF is the native colour type. ASAP's importer reads it as 0xRRGGBB,
 * which swaps red and blue.
 */
export const imagescopeFormat = {
  id: 'imagescope-xml',
  name: 'Aperio ImageScope XML',
  extensions: ['.xml'],
  mediaType: 'application/xml',
  multiSlide: false,
  binary: false,
  capabilities: {
    geometries: ['line', 'polygon', 'rectangle', 'ellipse'],
    holes: true,
    classes: 'flat',
    perAnnotatorLabels: false,
    measurements: false,
    objectKinds: false,
    colors: true,
    names: true,
    groups: false,
    micronsPerPixel: true,
    deletedFlag: false,
  },
  sniff({ head }) {
    const text = head.toString('utf8', 0, Math.min(head.length, 16384));
    if (/<Annotations[\s>]/.test(text) && /<Region[\s>]|<Regions[\s>/]/.test(text)) {
      return { match: true, reason: 'Annotations root with Region elements', confidence: 0.9 };
    }
    if (/<Annotations[^>]*MicronsPerPixel=/.test(text)) {
      return { match: true, reason: 'Annotations root with MicronsPerPixel', confidence: 0.85 };
    }
    return { match: false, reason: 'no Annotations root with Regions or MicronsPerPixel' };
  },
} as const satisfies FormatInfo;

/** The command-line options of the ImageScope converter. */
export const imagescopeCliOptions: Record<string, ConverterOption> = {
  'imagescope-class-map': {
    describe:
      'ImageScope: class names for unnamed layers by LineColor, e.g. "65280=tubule,255=vessel" ' +
      '(unnamed, unmapped layers are named "layer <Id> (#rrggbb)")',
    type: 'string',
  },
};

/** Parse `--imagescope-class-map`: LineColor integer → class name. */
export function classMap(text: unknown): Map<number, string> {
  const map = new Map<number, string>();
  if (typeof text !== 'string') return map;
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    const color = Number(pair.slice(0, at).trim());
    const name = pair.slice(at + 1).trim();
    if (!(at > 0 && Number.isInteger(color) && name)) {
      throw new UsageError(`--imagescope-class-map: "${pair}" is not <LineColor>=<class name>`);
    }
    map.set(color, name);
  }
  return map;
}
