import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PublishError } from '../errors.js';
import { joinKey } from './layout.js';
import { settled } from './limit.js';
import { PART_SIZE, partLimit, uploadMultipart } from './multipart.js';
import {
  createS3Client,
  errorCode,
  explainS3Error,
  isPayloadMismatch,
  parseS3Url,
  type S3Options,
  statusOf,
  withPayloadHash,
} from './s3-client.js';
import {
  type Condition,
  ConflictError,
  type LocalFile,
  type ObjectInfo,
  type Store,
  type StoreCapabilities,
  type UploadHooks,
} from './store.js';

/** A bucket and prefix on any S3-compatible endpoint. */
export class S3Store implements Store {
  readonly url: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly options: S3Options;
  private probing: Promise<StoreCapabilities> | undefined;
  /** radosgw 16 compares If-Match with the ETag without its quotes; found by the probe. */
  private quoteIfMatch = true;

  constructor(url: string, options: S3Options = {}) {
    const location = parseS3Url(url);
    this.url = url;
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    this.options = options;
    this.client = createS3Client(options);
  }

  /**
   * Probe with scratch objects: conditional writes, If-Match spelling, SHA-256 checksums and
   * whether signed bodies are checked. Each question has its own object, so the three run at
   * once and no conditional write ever races another write to the same key.
   */
  probe(): Promise<StoreCapabilities> {
    this.probing ??= this.runProbe();
    return this.probing;
  }

  private async runProbe(): Promise<StoreCapabilities> {
    const base = `.slidepack-probe/${randomBytes(8).toString('hex')}`;
    const keys = [`${base}-create`, `${base}-match`, `${base}-body`] as const;
    const body = Buffer.from('slidepack probe\n');
    const [writes, compareAndSwap, bodyCheck] = await Promise.allSettled([
      this.probeCreate(keys[0], body),
      this.probeIfMatch(keys[1], body),
      this.probeBodyCheck(keys[2], body),
    ]);
    await Promise.all(keys.map((key) => this.removeProbe(key)));
    return {
      ...settled(writes),
      compareAndSwap: settled(compareAndSwap),
      bodyCheck: settled(bodyCheck),
    };
  }

  /** Are SHA-256 checksums taken, and does `If-None-Match: *` refuse an existing key? */
  private async probeCreate(key: string, body: Buffer) {
    const checksums = await this.tryPut(key, body, { sha256: true });
    // A store that refused the checksum stored nothing, and the next write needs the object.
    if (!checksums) await this.tryPut(key, body, {});
    const overwritten = await this.tryPut(key, body, { ifNoneMatch: true });
    return {
      checksums: checksums ? ('sha256' as const) : ('none' as const),
      createOnly: overwritten ? ('guard' as const) : ('native' as const),
    };
  }

  /** Does `If-Match` refuse a wrong ETag, and does the store want the ETag quoted? */
  private async probeIfMatch(key: string, body: Buffer): Promise<'native' | 'guard'> {
    const md5 = createHash('md5').update(body).digest('hex');
    await this.tryPut(key, body, {});
    if (await this.tryPut(key, body, { ifMatch: '"0000"' })) return 'guard';
    if (await this.tryPut(key, body, { ifMatch: `"${md5}"` })) return 'native';
    if (!(await this.tryPut(key, body, { ifMatch: md5 }))) return 'guard';
    this.quoteIfMatch = false;
    return 'native';
  }

  /** A store that checks signed bodies refuses one sent with the SHA-256 of other bytes. */
  private async probeBodyCheck(key: string, body: Buffer): Promise<'sha256' | 'md5'> {
    return (await this.tryPut(key, body, { wrongPayloadHash: true })) ? 'md5' : 'sha256';
  }

  /** True when the write succeeded; a refused condition or checksum gives false. */
  private async tryPut(
    key: string,
    body: Buffer,
    how: { sha256?: boolean; ifNoneMatch?: boolean; ifMatch?: string; wrongPayloadHash?: boolean },
  ): Promise<boolean> {
    try {
      const command = new PutObjectCommand({
        Bucket: this.bucket,
        Key: joinKey(this.prefix, key),
        Body: body,
        ...(how.sha256
          ? { ChecksumSHA256: createHash('sha256').update(body).digest('base64') }
          : {}),
        ...(how.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
        ...(how.ifMatch ? { IfMatch: how.ifMatch } : {}),
      });
      // The SHA-256 of other bytes: a store that checks signed payloads refuses the body.
      const wrong = createHash('sha256').update('not the body').digest('hex');
      await this.client.send(how.wrongPayloadHash ? withPayloadHash(command, wrong) : command);
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (how.wrongPayloadHash && isPayloadMismatch(error)) return false;
      if (how.sha256 && status === 400) return false;
      if (status === 412 || status === 501) return false;
      // The scratch key means nothing to the user; the store's answer does.
      throw this.explain(error);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: joinKey(this.prefix, key) }),
      );
      const info: ObjectInfo = {
        size: r.ContentLength ?? -1,
        etag: (r.ETag ?? '').replaceAll('"', ''),
      };
      if (r.Metadata?.sha256) info.sha256 = r.Metadata.sha256;
      return info;
    } catch (error) {
      if (statusOf(error) === 404 && errorCode(error) !== 'NoSuchBucket') return undefined;
      throw this.explain(error, key);
    }
  }

  async read(key: string): Promise<{ body: Buffer; etag: string } | undefined> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: joinKey(this.prefix, key) }),
      );
      const body = Buffer.from(await r.Body!.transformToByteArray());
      return { body, etag: (r.ETag ?? '').replaceAll('"', '') };
    } catch (error) {
      if (
        errorCode(error) === 'NoSuchKey' ||
        (statusOf(error) === 404 && errorCode(error) !== 'NoSuchBucket')
      ) {
        return undefined;
      }
      throw this.explain(error, key);
    }
  }

  async readStream(key: string): Promise<Readable> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: joinKey(this.prefix, key) }),
      );
      return r.Body as Readable;
    } catch (error) {
      throw this.explain(error, key);
    }
  }

  async putFile(key: string, file: LocalFile, hooks: UploadHooks): Promise<ObjectInfo> {
    const caps = await this.probe();
    const fullKey = joinKey(this.prefix, key);
    const guard = async () => {
      if (await this.head(key))
        throw new PublishError(`${key} already exists; not overwritten`, 'Exists', key);
    };
    try {
      const etag =
        file.size > PART_SIZE
          ? await uploadMultipart(
              {
                client: this.client,
                bucket: this.bucket,
                key: fullKey,
                sha256Checksums: caps.checksums === 'sha256',
                sha256Verified: caps.bodyCheck === 'sha256',
                guard,
              },
              file,
              hooks,
            )
          : await partLimit.run(() => this.putSmallFile(key, file, caps, guard, hooks));
      return await this.verify(key, file, etag);
    } catch (error) {
      if (error instanceof PublishError || error instanceof ConflictError) throw error;
      throw this.explain(error, key);
    }
  }

  private async putSmallFile(
    key: string,
    file: LocalFile,
    caps: StoreCapabilities,
    guard: () => Promise<void>,
    hooks: UploadHooks,
  ): Promise<string> {
    const body = await readFile(file.path);
    const sha = createHash('sha256').update(body).digest();
    if (body.length !== file.size || sha.toString('hex') !== file.sha256) {
      throw new PublishError(
        `${file.path} changed since the release was built (hash mismatch)`,
        'BadDigest',
      );
    }
    if (caps.createOnly === 'guard') await guard();
    const md5 = createHash('md5').update(body).digest();
    await this.send(key, body, file.mediaType, { create: true }, caps, {
      md5,
      sha,
      sha256: file.sha256,
    });
    hooks.progress(body.length);
    return md5.toString('hex');
  }

  /** HEAD after upload: size and ETag must be what the local bytes give. */
  private async verify(key: string, file: LocalFile, etag: string): Promise<ObjectInfo> {
    const info = await this.head(key);
    if (!info || info.size !== file.size || (info.etag && info.etag !== etag)) {
      throw new PublishError(
        `${key} does not match after upload (size ${info?.size} of ${file.size}, ETag ${info?.etag} of ${etag})`,
        'BadDigest',
        key,
      );
    }
    return { ...info, sha256: file.sha256 };
  }

  async putBytes(
    key: string,
    body: Buffer,
    mediaType: string,
    condition: Condition,
  ): Promise<string> {
    const caps = await this.probe();
    const md5 = createHash('md5').update(body).digest();
    const sha = createHash('sha256').update(body).digest();
    if (caps.createOnly === 'guard' || caps.compareAndSwap === 'guard')
      await this.checkCondition(key, condition);
    try {
      await this.send(key, body, mediaType, condition, caps, {
        md5,
        sha,
        sha256: sha.toString('hex'),
      });
    } catch (error) {
      if (statusOf(error) === 412) throw new ConflictError(key);
      throw this.explain(error, key);
    }
    return md5.toString('hex');
  }

  // LIMITATION: on stores without conditional writes this guard leaves a window of one round trip.
  /** The checked guard for stores that ignore conditional headers. */
  private async checkCondition(key: string, condition: Condition): Promise<void> {
    const info = await this.head(key);
    if ('create' in condition ? info : info?.etag !== condition.ifMatch)
      throw new ConflictError(key);
  }

  private async send(
    key: string,
    body: Buffer,
    mediaType: string,
    condition: Condition,
    caps: StoreCapabilities,
    hash: { md5: Buffer; sha: Buffer; sha256: string },
  ): Promise<void> {
    const ifMatch = 'ifMatch' in condition ? condition.ifMatch : undefined;
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: joinKey(this.prefix, key),
      Body: body,
      ContentType: mediaType,
      ContentMD5: hash.md5.toString('base64'),
      Metadata: { sha256: hash.sha256 },
      ...(caps.checksums === 'sha256' ? { ChecksumSHA256: hash.sha.toString('base64') } : {}),
      ...('create' in condition && caps.createOnly === 'native' ? { IfNoneMatch: '*' } : {}),
      ...(ifMatch && caps.compareAndSwap === 'native'
        ? { IfMatch: this.quoteIfMatch ? `"${ifMatch}"` : ifMatch }
        : {}),
    });
    await this.client.send(withPayloadHash(command, hash.sha.toString('hex')));
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    const full = joinKey(this.prefix, prefix);
    let token: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: full,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        )
        .catch((error) => {
          throw this.explain(error, prefix);
        });
      for (const o of page.Contents ?? []) {
        yield { key: o.Key!.slice(this.prefix ? this.prefix.length + 1 : 0), size: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Add (or replace) one statement of the bucket policy; object ACLs are never used. */
  async grantPublicRead(keys: string[]): Promise<void> {
    const sid = `slidepack-public-${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16)}`;
    const policy = await this.currentPolicy();
    const statements = (policy.Statement ?? []).filter((s) => s.Sid !== sid);
    statements.push({
      Sid: sid,
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:GetObject'],
      Resource: keys.map((k) => `arn:aws:s3:::${this.bucket}/${joinKey(this.prefix, k)}`),
    });
    const text = JSON.stringify({ Version: '2012-10-17', ...policy, Statement: statements });
    await this.client
      .send(new PutBucketPolicyCommand({ Bucket: this.bucket, Policy: text }))
      .catch((error) => {
        throw this.explain(error, 'bucket policy');
      });
  }

  private async currentPolicy(): Promise<{ Statement?: Record<string, unknown>[] }> {
    try {
      const r = await this.client.send(new GetBucketPolicyCommand({ Bucket: this.bucket }));
      return r.Policy ? JSON.parse(r.Policy) : {};
    } catch (error) {
      if (errorCode(error) === 'NoSuchBucketPolicy' || statusOf(error) === 404) {
        if (errorCode(error) === 'NoSuchBucket') throw this.explain(error);
        return {};
      }
      throw this.explain(error, 'bucket policy');
    }
  }

  private explain(error: unknown, key?: string) {
    return explainS3Error(error, this.url, key, this.options);
  }

  async removeProbe(key: string): Promise<void> {
    await this.client
      .send(new DeleteObjectCommand({ Bucket: this.bucket, Key: joinKey(this.prefix, key) }))
      .catch(() => undefined);
  }
}
