import type { Converter } from '../../src/converter.js';
import { qupathFormat } from './format.js';
import { readQupath } from './read.js';
import { createQupathWriter, DEFAULT_VERSION } from './write.js';
import { QUPATH_VERSIONS } from './write-feature.js';

/** QuPath GeoJSON, every version style from 0.2 to 0.6, read and written. */
export const qupathGeojson: Converter = {
  format: qupathFormat,
  options: {
    'qupath-version': {
      describe:
        'QuPath version to write for: 0.2 and 0.3 write the legacy style (class-name ids, ' +
        'object_type, colorRGB, measurement lists); 0.4, 0.5 and 0.6 write the style all three ' +
        'import (objectType, classification.color, measurement maps, NaN as "NaN")',
      type: 'string',
      choices: QUPATH_VERSIONS,
      default: DEFAULT_VERSION,
    },
  },
  read: readQupath,
  createWriter: createQupathWriter,
};
