import { writeFile as fsWriteFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DataLicense, findLicenses } from '../descriptor/inputs.js';
import { loadDescriptor } from '../descriptor/load.js';
import { DataError } from '../errors.js';
import { AtomicFile } from '../io/atomic.js';
import { Messages } from '../messages.js';
import type { AnnotationSet } from '../model/collect.js';
import type { SlideInfo } from '../slide/info.js';
import { prepareDatasheet } from './build.js';
import { citationCff } from './citation.js';
import { croissant, type ReleaseFile } from './croissant.js';
import { licenseFile } from './license-file.js';
import { renderHtml, renderMarkdown } from './render.js';

export interface ReleaseDocumentsOptions {
  releaseDir: string;
  descriptorPath: string;
  set: AnnotationSet;
  slides: Map<string, SlideInfo>;
  files: ReleaseFile[];
  version: string;
  messages?: Messages;
  /** Licenses stated inside the annotation files; default: looked for in the set's metadata. */
  dataLicenses?: DataLicense[];
  /** Check everything, write nothing. */
  dryRun?: boolean;
}

/** The documents written beside a release's files, in the order they are written. */
export const RELEASE_DOCUMENTS = [
  'DATASHEET.md',
  'datasheet.html',
  'croissant.json',
  'CITATION.cff',
  'LICENSE',
];

/**
 * Write DATASHEET.md, datasheet.html, croissant.json, CITATION.cff and LICENSE into a release
 * folder whose files already exist. Missing must fields, leaks or license conflicts throw a
 * DataError listing every problem, and nothing is written.
 */
export async function writeReleaseDocuments(opts: ReleaseDocumentsOptions): Promise<string[]> {
  const messages = opts.messages ?? new Messages();
  const loaded = await loadDescriptor(opts.descriptorPath);
  const sources = (opts.set.dataset?.sources ?? []).map((s) => s.file);
  const dataLicenses =
    opts.dataLicenses ?? findLicenses(opts.set, sources.length ? sources : ['annotations']);
  const prepared = await prepareDatasheet({
    loaded,
    set: opts.set,
    slides: opts.slides,
    dataLicenses,
    messages,
  });
  if (messages.hasErrors) {
    throw new DataError(
      `${messages.count('error')} problem(s) block the datasheet`,
      messages.list.filter((m) => m.severity === 'error'),
    );
  }
  if (opts.dryRun) return [];
  const data = loaded.data;
  const date = data.identity?.release_date ?? new Date().toISOString().slice(0, 10);
  const contents: [string, string][] = [
    ['DATASHEET.md', await renderMarkdown(prepared.document, prepared.notices)],
    ['datasheet.html', await renderHtml(prepared.document, prepared.notices)],
    [
      'croissant.json',
      `${JSON.stringify(croissant(data, prepared.facts, opts.files, opts.version), null, 2)}\n`,
    ],
    ['CITATION.cff', citationCff(data, opts.version, date)],
    ['LICENSE', licenseFile(data, prepared.facts.dataLicenses)],
  ];
  await writeAll(opts.releaseDir, contents);
  return contents.map(([name]) => name);
}

/** Each file goes to a temporary name first; all are renamed only once all are written. */
async function writeAll(dir: string, contents: [string, string][]): Promise<void> {
  const pending = contents.map(([name, text]) => ({ file: new AtomicFile(join(dir, name)), text }));
  try {
    for (const { file, text } of pending) {
      await file.prepare();
      await fsWriteFile(file.tempPath, text);
    }
    for (const { file } of pending) await file.commit();
  } catch (error) {
    for (const { file } of pending) await file.abort();
    throw error;
  }
}
