import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';

/**
 * The local publish journal: one NDJSON line per multipart upload started and per object
 * completed, so a killed publish resumes its multipart uploads (their ids are only known
 * here) and knows which objects it wrote itself. It lives beside the release folder, in
 * `.publish-journal/`, never inside it (the release folder is immutable).
 */
export interface JournalState {
  uploads: Map<string, string>;
  done: Set<string>;
}

type Line = { upload: string; key: string } | { done: string } | { forget: string };

export class Journal {
  private constructor(
    readonly path: string,
    readonly state: JournalState,
  ) {}

  static async open(releaseDir: string, target: string, version: string): Promise<Journal> {
    const id = createHash('sha256').update(target).digest('hex').slice(0, 16);
    const path = join(dirname(releaseDir), '.publish-journal', `${version}-${id}.ndjson`);
    const state: JournalState = { uploads: new Map(), done: new Set() };
    const text = await readFile(path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry) continue;
      if ('upload' in entry) state.uploads.set(entry.key, entry.upload);
      else if ('forget' in entry) state.uploads.delete(entry.forget);
      else state.done.add(entry.done);
    }
    return new Journal(path, state);
  }

  async started(key: string, uploadId: string): Promise<void> {
    this.state.uploads.set(key, uploadId);
    await this.append({ upload: uploadId, key });
  }

  /** The upload was aborted or expired on the store: a re-run starts a fresh one. */
  async forgotten(key: string): Promise<void> {
    if (!this.state.uploads.delete(key)) return;
    await this.append({ forget: key });
  }

  async completed(key: string): Promise<void> {
    this.state.uploads.delete(key);
    this.state.done.add(key);
    await this.append({ done: key });
  }

  /** The publish finished: the journal is no longer needed. */
  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }

  private async append(line: Line): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(line)}\n`);
  }
}

/** A torn last line (the process was killed while writing it) is ignored. */
function parseLine(line: string): Line | undefined {
  if (!line.trim()) return undefined;
  try {
    return JSON.parse(line) as Line;
  } catch {
    return undefined;
  }
}
