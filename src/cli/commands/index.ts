import type { CommandModule } from 'yargs';
import { convertCommand } from './convert.js';
import { datasheetCommand } from './datasheet.js';
import { detectCommand } from './detect.js';
import { fetchCommand } from './fetch.js';
import { formatsCommand } from './formats.js';
import { initCommand } from './init.js';
import { publishCommand } from './publish.js';
import { releaseCommand } from './release.js';
import { slideCommand } from './slide.js';
import { splitCommand } from './split.js';
import { statsCommand } from './stats.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';

/** Every command of the CLI; each lives in its own file beside this one. */
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [
  convertCommand,
  detectCommand,
  formatsCommand,
  releaseCommand,
  slideCommand,
  publishCommand,
  verifyCommand,
  fetchCommand,
  initCommand,
  splitCommand,
  datasheetCommand,
  validateCommand,
  statsCommand,
];
