import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import {
  copyFile,
  link,
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { PublishError, UsageError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { listFiles } from '../release/inputs.js';
import {
  type Condition,
  ConflictError,
  type LocalFile,
  type ObjectInfo,
  type Store,
  type StoreCapabilities,
} from './store.js';

/** A lock older than this was left by a killed process and may be taken over. */
const STALE_LOCK_MS = 120_000;

/**
 * The local directory store (`file:///path`): the same layout and guarantees as a bucket.
 * Create-only writes are a temporary file hard-linked into place (link fails when the name
 * exists); compare-and-swap takes `<key>.lock` (exclusive create), compares the SHA-256 ETag,
 * then renames the new content over the old. Public read has no meaning here.
 */
export class FileStore implements Store {
  readonly url: string;
  readonly root: string;

  constructor(url: string) {
    if (!url.startsWith('file://')) throw new UsageError(`"${url}" is not a file:// address`);
    this.url = url;
    this.root = resolve(fileURLToPath(url));
  }

  async probe(): Promise<StoreCapabilities> {
    return {
      createOnly: 'native',
      compareAndSwap: 'native',
      checksums: 'sha256',
      bodyCheck: 'sha256',
    };
  }

  private path(key: string): string {
    const path = resolve(this.root, ...key.split('/'));
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new PublishError(`key ${key} leaves the store`, 'BadKey', key);
    }
    return path;
  }

  // LIMITATION: the directory store keeps no stored checksum, so head re-hashes the file.
  async head(key: string): Promise<ObjectInfo | undefined> {
    const info = await stat(this.path(key)).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const sha256 = await sha256File(this.path(key));
    return { size: info.size, etag: sha256, sha256 };
  }

  async read(key: string): Promise<{ body: Buffer; etag: string } | undefined> {
    const body = await readFile(this.path(key)).catch(() => undefined);
    if (!body) return undefined;
    return { body, etag: createHash('sha256').update(body).digest('hex') };
  }

  async readStream(key: string): Promise<Readable> {
    const path = this.path(key);
    await stat(path).catch(() => {
      throw new PublishError(`${this.url}: ${key} does not exist`, 'NoSuchKey', key);
    });
    return createReadStream(path, { highWaterMark: 4 << 20 });
  }

  async putFile(
    key: string,
    file: LocalFile,
    hooks: { progress(bytes: number): void },
  ): Promise<ObjectInfo> {
    const target = this.path(key);
    const temp = await this.tempBeside(target);
    try {
      await copyFile(file.path, temp, constants.COPYFILE_FICLONE);
      if ((await sha256File(temp)) !== file.sha256) {
        throw new PublishError(
          `${file.path} changed since the release was built (hash mismatch)`,
          'BadDigest',
        );
      }
      await this.linkInto(temp, target, key);
    } finally {
      await rm(temp, { force: true });
    }
    hooks.progress(file.size);
    return { size: file.size, etag: file.sha256, sha256: file.sha256 };
  }

  async putBytes(
    key: string,
    body: Buffer,
    _mediaType: string,
    condition: Condition,
  ): Promise<string> {
    const target = this.path(key);
    const etag = createHash('sha256').update(body).digest('hex');
    const temp = await this.tempBeside(target);
    try {
      await writeFile(temp, body, { flag: 'wx' });
      if ('create' in condition) await this.linkInto(temp, target, key, true);
      else await this.swap(temp, target, key, condition.ifMatch);
    } finally {
      await rm(temp, { force: true });
    }
    return etag;
  }

  /**
   * A temporary name beside `target` that says which process on which machine wrote it, so
   * the leftovers of a killed publish on this machine can be told apart and removed.
   */
  private async tempBeside(target: string): Promise<string> {
    const folder = dirname(target);
    await mkdir(folder, { recursive: true });
    await removeStaleTemps(folder);
    const owner = `${TEMP_HOST}.${process.pid}`;
    return join(folder, `.${owner}.${randomBytes(6).toString('hex')}.tmp`);
  }

  /** Atomic create-only: a hard link fails with EEXIST when the name is taken. */
  private async linkInto(
    temp: string,
    target: string,
    key: string,
    conflict = false,
  ): Promise<void> {
    try {
      await link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (conflict) throw new ConflictError(key);
      throw new PublishError(`${key} already exists; not overwritten`, 'Exists', key);
    }
  }

  private async swap(temp: string, target: string, key: string, ifMatch: string): Promise<void> {
    const lock = `${target}.lock`;
    await this.takeLock(lock, key);
    try {
      const current = await readFile(target).catch(() => undefined);
      const etag = current ? createHash('sha256').update(current).digest('hex') : undefined;
      if (etag !== ifMatch) throw new ConflictError(key);
      await rename(temp, target);
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }

  private async takeLock(lock: string, key: string): Promise<void> {
    try {
      const handle = await open(lock, 'wx');
      await handle.close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age < STALE_LOCK_MS) throw new ConflictError(key);
      await unlink(lock).catch(() => undefined);
      return this.takeLock(lock, key);
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    const base = this.path(prefix.replace(/\/+$/, '') || '.');
    const files = await listFiles(base).catch(() => [] as string[]);
    for (const file of files) {
      const key = relative(this.root, file).split(sep).join('/');
      if (key.startsWith(prefix)) yield { key, size: (await stat(file)).size };
    }
  }

  async grantPublicRead(): Promise<void> {
    // A directory has no anonymous readers to grant; serving it is the web server's business.
  }

  async removeProbe(): Promise<void> {}
}

const TEMP_HOST = hostname().replace(/[^A-Za-z0-9-]/g, '_');
const TEMP_NAME = /^\.([A-Za-z0-9_-]+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

const swept = new Set<string>();

/** Remove temporary files in `folder` left by processes of this machine that are gone. */
async function removeStaleTemps(folder: string): Promise<void> {
  if (swept.has(folder)) return;
  swept.add(folder);
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const m = TEMP_NAME.exec(name);
    if (m?.[1] === TEMP_HOST && !alive(Number(m[2]))) {
      await rm(join(folder, name), { force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
