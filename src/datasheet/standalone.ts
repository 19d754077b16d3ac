import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { readDatasetInputs } from '../descriptor/inputs.js';
import { loadDescriptor } from '../descriptor/load.js';
import { validateDescriptor } from '../descriptor/validate.js';
import { DataError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { Messages } from '../messages.js';
import { mediaTypeFor } from '../release/manifest.js';
import type { ReleaseFile } from './croissant.js';
import { writeReleaseDocuments } from './release.js';

export interface DatasheetRequest {
  descriptor: string;
  /** Output folder; default the descriptor's folder. */
  output?: string;
  /** Only validate the descriptor and the data; write nothing. */
  check?: boolean;
  messages?: Messages;
}

export interface DatasheetResult {
  written: string[];
  messages: Messages;
}

/**
 * `slidepack datasheet`: read the descriptor and what it points at, then write the datasheet,
 * Croissant, CITATION.cff and LICENSE, listing every file of the data with its SHA-256.
 */
export async function runDatasheet(request: DatasheetRequest): Promise<DatasheetResult> {
  const messages = request.messages ?? new Messages();
  const loaded = await loadDescriptor(request.descriptor);
  // A descriptor of the wrong shape stops here, before any data is read.
  const shape = new Messages();
  validateDescriptor(loaded, shape);
  const broken = shape.list.filter(
    (m) => m.severity === 'error' && m.ruleId !== 'descriptor/missing-must',
  );
  if (broken.length) throw new DataError(`${broken.length} problem(s) in the descriptor`, broken);

  const inputs = await readDatasetInputs(loaded, messages);
  const output = resolve(request.output ?? loaded.dir);
  const paths = [loaded.path, ...inputs.annotationFiles.map((f) => f.path), ...inputs.slideFiles];
  // Paths are the data set's own (relative to the descriptor), wherever the documents go.
  const files = request.check ? [] : await describeFiles([...new Set(paths)], loaded.dir);
  const written = await writeReleaseDocuments({
    releaseDir: output,
    descriptorPath: loaded.path,
    set: inputs.set,
    slides: inputs.slides,
    files,
    version: loaded.data.identity?.version ?? '0.0.0',
    messages,
    dataLicenses: inputs.dataLicenses,
    ...(request.check ? { dryRun: true } : {}),
  });
  return { written: written.map((w) => resolve(output, w)), messages };
}

async function describeFiles(paths: string[], base: string): Promise<ReleaseFile[]> {
  const files: ReleaseFile[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (!info.isFile()) continue;
    const rel = relative(base, path).split('\\').join('/');
    files.push({
      path: rel,
      size: info.size,
      sha256: await sha256File(path),
      mediaType: mediaTypeFor(rel),
    });
  }
  return files;
}
