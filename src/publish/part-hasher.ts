import { Worker } from 'node:worker_threads';

/** A part's digests: SHA-256 always, MD5 only when it was asked for. */
export interface PartDigest {
  sha256: Buffer;
  md5?: Buffer;
}

type Reply = { id: number; sha256?: Uint8Array; md5?: Uint8Array; whole?: string; error?: string };

// Plain JavaScript run with `eval`, so the same code works from dist/ and from the sources under
// test. Each slice of a part is fed to every hash in turn while it is still in the CPU cache:
// one pass over the bytes, however many digests are taken.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const SLICE = 256 * 1024;
let whole = createHash('sha256');
parentPort.on('message', ({ id, body, md5, whole: all, finish }) => {
  try {
    if (finish) return parentPort.postMessage({ id, whole: whole.digest('hex') });
    const part = createHash('sha256');
    const sum = md5 ? createHash('md5') : undefined;
    for (let at = 0; at < body.length; at += SLICE) {
      const slice = body.subarray(at, at + SLICE);
      part.update(slice);
      sum?.update(slice);
      if (all) whole.update(slice);
    }
    parentPort.postMessage({ id, sha256: part.digest(), md5: sum?.digest() });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

/**
 * Hashes one large file on a worker thread, so the thread that drives the uploads keeps the
 * network busy while the second core hashes: each part's SHA-256 (and MD5 when asked) and the
 * SHA-256 of the whole file, which needs the parts in order. Parts live in shared memory, so
 * nothing is copied to the worker.
 */
export class FileHasher {
  // Started on first use: an upload whose parts the store checks against recorded digests
  // never hashes anything.
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private next = 0;
  private failure: Error | undefined;

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (reply: Reply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(new Error('the hashing thread stopped')));
    return worker;
  }

  /**
   * Hash the next part of the file (call in part order); `body` must be shared memory. `whole`
   * feeds it to the whole-file SHA-256 too (needless when the parts' digests are known).
   */
  async part(body: Uint8Array, how: { md5: boolean; whole: boolean }): Promise<PartDigest> {
    const reply = await this.ask({ body, ...how });
    const digest: PartDigest = { sha256: toBuffer(reply.sha256!) };
    if (reply.md5) digest.md5 = toBuffer(reply.md5);
    return digest;
  }

  /** SHA-256 (hex) of every part given so far. */
  async whole(): Promise<string> {
    return (await this.ask({ finish: true })).whole!;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the file hasher is closed');
    await this.worker?.terminate();
  }

  private ask(message: {
    body?: Uint8Array;
    md5?: boolean;
    whole?: boolean;
    finish?: boolean;
  }): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) =>
        reply.error ? reject(new Error(`hashing failed: ${reply.error}`)) : resolve(reply),
      );
      this.worker ??= this.start();
      this.worker.postMessage({ id, ...message });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const settle of this.waiting.values()) settle({ id: -1, error: error.message });
    this.waiting.clear();
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const spare: SharedArrayBuffer[] = [];

/** A part-sized buffer in shared memory, reused once {@link giveBack} returns it. */
export function takeBuffer(size: number, length: number): Buffer {
  const reused = spare.pop();
  const memory = reused && reused.byteLength >= size ? reused : new SharedArrayBuffer(size);
  return Buffer.from(memory, 0, length);
}

/** Return a buffer nobody reads any more (its upload finished and its hashing is done). */
export function giveBack(buffer: Buffer, keep: number): void {
  if (spare.length < keep) spare.push(buffer.buffer as SharedArrayBuffer);
}
