import type { FormatInfo } from '../../src/converter.js';

const TOP_KEYS = ['images', 'annotations', 'categories'] as const;

/** COCO object detection / instance segmentation JSON (and the MIDOG corner-box variant). */
export const cocoFormat = {
  id: 'coco',
  name: 'COCO JSON',
  extensions: ['.json'],
  mediaType: 'application/json',
  multiSlide: true,
  binary: false,
  capabilities: {
    geometries: ['rectangle', 'polygon', 'multipolygon', 'mask'],
    holes: true,
    classes: 'flat',
    perAnnotatorLabels: true,
    measurements: false,
    objectKinds: false,
    colors: false,
    names: false,
    groups: false,
    micronsPerPixel: false,
    deletedFlag: false,
  },
  sniff({ head }) {
    const text = head.toString('utf8');
    if (!text.trimStart().startsWith('{')) {
      return { match: false, reason: 'does not start with a JSON object' };
    }
    const found = TOP_KEYS.filter((key) => new RegExp(`"${key}"\\s*:\\s*\\[`).test(text));
    if (found.length === 0) {
      return { match: false, reason: 'no "images", "annotations" or "categories" array' };
    }
    const reason = `a JSON object with ${found.map((k) => `"${k}"`).join(', ')} arrays`;
    return { match: true, reason, confidence: found.length >= 2 ? 0.9 : 0.6 };
  },
} as const satisfies FormatInfo;
