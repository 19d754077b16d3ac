import { UsageError } from '../errors.js';
import { FileStore } from './file-store.js';
import type { S3Options } from './s3-client.js';
import { S3Store } from './s3-store.js';
import type { Store } from './store.js';

/** Open a store from its address: `s3://bucket/prefix` or `file:///path`. */
export function openStore(url: string, options: S3Options = {}): Store {
  if (url.startsWith('s3://')) return new S3Store(url, options);
  if (url.startsWith('file://')) return new FileStore(url);
  throw new UsageError(
    `unsupported store address "${url}"; use s3://bucket/prefix or file:///path`,
  );
}
