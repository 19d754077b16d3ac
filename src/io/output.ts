import { AtomicWriteStream } from './atomic.js';

/** A text or binary output: a file written atomically, or stdout for `-`. */
export interface Output {
  readonly path: string;
  write(chunk: string | Uint8Array): Promise<void> | undefined;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function openOutput(path: string): Promise<Output> {
  if (path === '-') return stdoutOutput();
  const stream = new AtomicWriteStream(path);
  await stream.open();
  return stream;
}

function stdoutOutput(): Output {
  return {
    path: '-',
    write(chunk) {
      if (process.stdout.write(chunk)) return undefined;
      return new Promise((resolve) => process.stdout.once('drain', resolve));
    },
    commit: async () => undefined,
    abort: async () => undefined,
  };
}

/**
 * Collects small writes into large chunks before passing them on: writing one feature at a time
 * to a stream costs more than the conversion itself.
 */
export class BufferedOutput {
  // Text is encoded straight into a buffer as it arrives: holding many small strings until a
  // flush kept them alive long enough to be copied by the garbage collector, twice.
  private buffer: Buffer;
  private used = 0;

  constructor(
    readonly output: Output,
    private readonly flushAt = 1 << 20,
  ) {
    this.buffer = Buffer.allocUnsafe(flushAt);
  }

  async write(text: string): Promise<void> {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (this.used + text.length * 3 > this.buffer.length) {
      await this.flush();
      if (text.length * 3 > this.buffer.length) {
        await this.output.write(text);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const chunk = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.flushAt);
    this.used = 0;
    await this.output.write(chunk);
  }

  async commit(): Promise<void> {
    await this.flush();
    await this.output.commit();
  }

  abort(): Promise<void> {
    return this.output.abort();
  }
}
