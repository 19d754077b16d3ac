import type { ConverterOption } from '../../src/converter.js';

/** Options `slidepack convert` passes to the ASAP reader and writer. */
export interface AsapOptions {
  classFrom: 'group' | 'name';
  exclusionGroups: Set<string>;
  repairComma: boolean;
}

/** The command-line options of the ASAP converter. */
export const asapCliOptions: Record<string, ConverterOption> = {
  'class-from': {
    describe: 'ASAP: take classes from group names (default) or annotation names',
    type: 'string',
    choices: ['group', 'name'],
  },
  'exclusion-group': {
    describe:
      'ASAP: a group of exclusion regions (e.g. _2, negative); repeatable. Reading makes them ' +
      'holes of the regions that contain them; writing puts holes in the first one named',
    // A repeated string option, not 'array', which would swallow the input files after it.
    type: 'string',
  },
  'repair-decimal-comma': {
    describe: 'XML: read coordinates written with a decimal comma (1234,5) as decimals',
    type: 'boolean',
  },
};

export function asapOptions(options: Record<string, unknown>): AsapOptions {
  const groups = options['exclusion-group'];
  const list = Array.isArray(groups) ? groups : groups === undefined ? [] : [groups];
  return {
    classFrom: options['class-from'] === 'name' ? 'name' : 'group',
    exclusionGroups: new Set(list.map(String)),
    repairComma: options['repair-decimal-comma'] === true,
  };
}
