import type { FormatInfo } from '../../src/converter.js';

/** The part of a file's head that sniffing looks at, as text. */
function headText(head: Buffer): string {
  return head.toString('utf8', 0, Math.min(head.length, 16384));
}

/**
 * ASAP's default colour of annotations and groups; its own writer always writes a `Color`, and
 * an annotation with this one is drawn in its group's colour.
 */
export const ASAP_DEFAULT_COLOR = '#F4FA58';

/** ASAP XML (computationalpathologygroup/ASAP): one slide per file, groups as classes. */
export const asapFormat = {
  id: 'asap-xml',
  name: 'ASAP XML',
  extensions: ['.xml'],
  mediaType: 'application/xml',
  multiSlide: false,
  binary: false,
  capabilities: {
    geometries: ['point', 'multipoint', 'line', 'polygon', 'rectangle', 'spline'],
    holes: false,
    classes: 'flat',
    perAnnotatorLabels: false,
    measurements: false,
    objectKinds: false,
    colors: true,
    names: true,
    groups: true,
    micronsPerPixel: false,
    deletedFlag: false,
  },
  sniff({ head }) {
    const text = headText(head);
    if (/<ASAP_Annotations[\s>/]/.test(text)) {
      return { match: true, reason: 'root element is ASAP_Annotations', confidence: 0.95 };
    }
    // ASAP falls back to the document root when ASAP_Annotations is missing.
    if (/<Annotation\s[^>]*PartOfGroup=/.test(text) && /<Coordinate\s/.test(text)) {
      return {
        match: true,
        reason: 'Annotation elements with PartOfGroup and Coordinate children',
        confidence: 0.6,
      };
    }
    return { match: false, reason: 'no ASAP_Annotations root and no ASAP-style Annotation' };
  },
} as const satisfies FormatInfo;
