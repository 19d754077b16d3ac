import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';

/** Temporary files and folders not yet renamed into place, removed if the process is stopped. */
const pending = new Set<string>();
let handlersInstalled = false;

/**
 * Remember a temporary path until {@link forgetTemporary}: Ctrl-C or a kill signal then removes
 * it before the process exits, so a stopped run leaves nothing half-written behind.
 */
export function trackTemporary(path: string): void {
  pending.add(path);
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      for (const temp of pending) rmSync(temp, { recursive: true, force: true });
      process.exit(code);
    });
  }
}

export function forgetTemporary(path: string): void {
  pending.delete(path);
}

/**
 * A file written beside its final path under a temporary name and renamed into place only
 * when complete, so a failed or interrupted run never leaves a half-written output behind.
 */
export class AtomicFile {
  readonly tempPath: string;
  private done = false;

  constructor(readonly path: string) {
    const suffix = randomBytes(4).toString('hex');
    this.tempPath = join(dirname(path), `.${basename(path)}.${suffix}.tmp`);
  }

  async prepare(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    trackTemporary(this.tempPath);
  }

  async commit(): Promise<void> {
    if (this.done) return;
    await rename(this.tempPath, this.path);
    forgetTemporary(this.tempPath);
    this.done = true;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await rm(this.tempPath, { force: true });
    forgetTemporary(this.tempPath);
  }
}

/** A buffered text/binary stream into an {@link AtomicFile}, with back-pressure. */
export class AtomicWriteStream {
  private readonly file: AtomicFile;
  private stream: WriteStream | undefined;

  constructor(path: string) {
    this.file = new AtomicFile(path);
  }

  get path(): string {
    return this.file.path;
  }

  async open(): Promise<void> {
    await this.file.prepare();
    this.stream = createWriteStream(this.file.tempPath, { highWaterMark: 1 << 20 });
  }

  /** Write a chunk; resolves immediately unless the stream buffer is full. */
  write(chunk: string | Uint8Array): Promise<void> | undefined {
    const stream = this.stream;
    if (!stream) throw new Error('AtomicWriteStream.write before open');
    if (stream.write(chunk)) return undefined;
    return new Promise((resolve) => stream.once('drain', resolve));
  }

  async commit(): Promise<void> {
    if (this.stream) {
      this.stream.end();
      await finished(this.stream);
    }
    await this.file.commit();
  }

  async abort(): Promise<void> {
    if (this.stream) {
      this.stream.destroy();
      await finished(this.stream).catch(() => undefined);
    }
    await this.file.abort();
  }
}
