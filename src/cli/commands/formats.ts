import type { Argv, CommandModule } from 'yargs';
import type { Capabilities } from '../../converter.js';
import { converters } from '../../formats.js';
import { type GlobalArgs, printJson, printLines } from '../context.js';

const COLUMNS: [keyof Capabilities, string][] = [
  ['holes', 'holes'],
  ['classes', 'classes'],
  ['perAnnotatorLabels', 'annotators'],
  ['measurements', 'measurements'],
  ['objectKinds', 'kinds'],
  ['colors', 'colours'],
  ['names', 'names'],
  ['groups', 'groups'],
  ['micronsPerPixel', 'mpp'],
  ['deletedFlag', 'deleted'],
];

/** The formats table: one row per format, what it can hold. Also used for the README. */
export function formatsTable(): string[] {
  const header = ['format', 'read', 'write', 'slides', 'geometries', ...COLUMNS.map((c) => c[1])];
  const rows = converters.map((c) => [
    c.format.id,
    c.read ? 'yes' : 'no',
    c.createWriter ? 'yes' : 'no',
    c.format.multiSlide ? 'many' : 'one',
    c.format.capabilities.geometries.join(' '),
    ...COLUMNS.map(([key]) => cell(c.format.capabilities[key])),
  ]);
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`);
}

function cell(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return String(value);
}

export const formatsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'formats',
  describe: 'list the formats slidepack reads and writes, and what each can hold',
  builder: (yargs) =>
    yargs
      .example('$0 formats', 'the table')
      .example('$0 formats --json', 'as JSON') as Argv<GlobalArgs>,
  handler: (args) => {
    if (!args.json) return printLines(formatsTable());
    printJson(
      converters.map((c) => ({
        id: c.format.id,
        name: c.format.name,
        extensions: c.format.extensions,
        read: Boolean(c.read),
        write: Boolean(c.createWriter),
        multiSlide: c.format.multiSlide,
        capabilities: c.format.capabilities,
        options: c.options ?? {},
      })),
    );
  },
};
