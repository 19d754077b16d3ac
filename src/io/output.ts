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
  private parts: string[] = [];
  private size = 0;

  constructor(
    readonly output: Output,
    private readonly flushAt = 1 << 20,
  ) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.flushAt) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.output.write(text);
  }

  async commit(): Promise<void> {
    await this.flush();
    await this.output.commit();
  }

  abort(): Promise<void> {
    return this.output.abort();
  }
}
