import type { Readable } from 'node:stream';

/**
 * Where releases are published: an S3-compatible bucket (`s3://bucket/prefix`) or a local
 * directory (`file:///path`), with the same create-only semantics. Keys are relative to the
 * store's prefix and always `/`-separated.
 */
export interface ObjectInfo {
  size: number;
  /** The store's entity tag, unquoted; MD5-based on S3, SHA-256 of the bytes on file stores. */
  etag?: string;
  /** SHA-256 (hex) the object was stored with, when the store keeps it. */
  sha256?: string;
}

/** How the store honours the two guarantees, found by probing it. */
export interface StoreCapabilities {
  /** `native`: `If-None-Match: *` refuses an existing key; `guard`: checked by HEAD first. */
  createOnly: 'native' | 'guard';
  /** `native`: `If-Match` refuses a changed object; `guard`: ETag compared just before. */
  compareAndSwap: 'native' | 'guard';
  /** `sha256`: SHA-256 checksums are sent with every upload; `none`: the store rejects them. */
  checksums: 'sha256' | 'none';
  /**
   * How the store checks the bytes it receives: `sha256`: it refuses a body whose SHA-256
   * differs from the signed one; `md5`: only Content-MD5 (and the returned ETag) is checked.
   */
  bodyCheck: 'sha256' | 'md5';
}

/** A local file to upload, with what the manifest says about it. */
export interface LocalFile {
  path: string;
  size: number;
  sha256: string;
  mediaType: string;
  /** SHA-256 (hex) of each upload part, recorded when the release was built. */
  parts?: string[];
}

export type Condition = { create: true } | { ifMatch: string };

export interface UploadHooks {
  /** Bytes sent (or confirmed already present) since the last call. */
  progress(bytes: number): void;
  /** Remember an unfinished multipart upload, so a re-run can resume it. */
  started(key: string, uploadId: string): Promise<void>;
  /** A multipart upload id remembered from an earlier run, if any. */
  resumable(key: string): string | undefined;
  /** The upload was aborted or the store no longer knows it: never resume it. */
  forgotten(key: string): Promise<void>;
}

export interface Store {
  /** The store's address without credentials, for messages. */
  readonly url: string;
  probe(): Promise<StoreCapabilities>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** A small object's bytes and ETag, or undefined when absent. */
  read(key: string): Promise<{ body: Buffer; etag: string } | undefined>;
  readStream(key: string): Promise<Readable>;
  /** Upload a file to a key that must not exist; checked after upload. */
  putFile(key: string, file: LocalFile, hooks: UploadHooks): Promise<ObjectInfo>;
  /** Write a small object under a condition; a failed condition throws {@link ConflictError}. */
  putBytes(key: string, body: Buffer, mediaType: string, condition: Condition): Promise<string>;
  list(prefix: string): AsyncIterable<{ key: string; size: number }>;
  /** Let anyone read these keys (key prefixes ending in `*` allowed). */
  grantPublicRead(keys: string[]): Promise<void>;
  /** Only for the probe's own scratch object. */
  removeProbe(key: string): Promise<void>;
}

/** A conditional write found the object changed (or present) since it was read. */
export class ConflictError extends Error {
  override name = 'ConflictError';

  constructor(readonly key: string) {
    super(`${key} changed since it was read`);
  }
}
