import type { Argv, CommandModule } from 'yargs';
import { detectFormat } from '../../detect.js';
import { InputError } from '../../errors.js';
import { type GlobalArgs, printJson, printLines } from '../context.js';

interface DetectArgs extends GlobalArgs {
  files: string[];
}

async function handler(args: DetectArgs): Promise<void> {
  const detections = await Promise.all(args.files.map((file) => detectFormat(file)));
  if (args.json) {
    printJson(
      detections.map((d) => ({
        file: d.path,
        format: d.chosen?.format.id ?? null,
        version: d.version ?? null,
        results: d.results.map((r) => ({ format: r.format, ...r.result })),
      })),
    );
  } else {
    printLines(detections.flatMap(describe));
  }
  const unknown = detections.filter((d) => !d.chosen).map((d) => d.path);
  if (unknown.length) throw new InputError(`no format recognised ${unknown.join(', ')}`);
}

function describe(d: Awaited<ReturnType<typeof detectFormat>>): string[] {
  const chosen = d.results.find((r) => r.format === d.chosen?.format.id);
  const head = chosen
    ? `${d.path}: ${chosen.format}${d.version ? ` (${d.version})` : ''}: ${chosen.result.reason}`
    : `${d.path}: not recognised`;
  const others = d.results
    .filter((r) => r !== chosen)
    .map((r) => `  ${r.result.match ? 'also matches' : 'not'} ${r.format}: ${r.result.reason}`);
  return [head, ...others];
}

export const detectCommand: CommandModule<GlobalArgs, DetectArgs> = {
  command: 'detect <files..>',
  describe: 'name the format of each file and why; say why every other format was rejected',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, describe: 'files to look at' })
      .example('$0 detect export.geojson', 'which format, and why')
      .example('$0 detect --json *.xml', 'as JSON') as Argv<DetectArgs>,
  handler,
};
