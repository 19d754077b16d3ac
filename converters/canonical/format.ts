import type { FormatInfo } from '../../src/converter.js';

const MARKER = '"schema":"slidepack.canonical/1"';

/** slidepack's own canonical form: NDJSON, one record a line, dictionaries before objects. */
export const canonicalFormat = {
  id: 'canonical',
  name: 'slidepack canonical NDJSON',
  extensions: ['.ndjson', '.jsonl'],
  mediaType: 'application/x-ndjson',
  multiSlide: true,
  binary: false,
  capabilities: {
    geometries: [
      'point',
      'multipoint',
      'line',
      'polygon',
      'multipolygon',
      'rectangle',
      'ellipse',
      'spline',
      'mask',
    ],
    holes: true,
    classes: 'hierarchical',
    perAnnotatorLabels: true,
    measurements: true,
    objectKinds: true,
    colors: true,
    names: true,
    groups: true,
    micronsPerPixel: true,
    deletedFlag: true,
  },
  sniff({ head }) {
    const firstLine = head.toString('utf8', 0, Math.min(head.length, 4096)).split('\n')[0] ?? '';
    const compact = firstLine.replace(/\s/g, '');
    if (compact.startsWith('{"type":"dataset"') && compact.includes(MARKER)) {
      return { match: true, reason: 'first line is a slidepack dataset header', confidence: 1 };
    }
    return { match: false, reason: 'first line is not a slidepack.canonical/1 dataset header' };
  },
} as const satisfies FormatInfo;
