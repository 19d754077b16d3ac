import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { PublishError } from '../errors.js';
import { Limit } from './limit.js';
import { errorCode, withPayloadHash } from './s3-client.js';
import type { LocalFile, UploadHooks } from './store.js';

/** Part size for multipart uploads; a 2 GB slide is 128 parts. */
export const PART_SIZE = 16 << 20;

/** Every part upload of every file shares this limit, so many small files cannot flood. */
export const partLimit = new Limit(8);

export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  key: string;
  sha256Checksums: boolean;
  /** Called before the upload is completed: throws when the key appeared meanwhile. */
  guard(): Promise<void>;
}

interface DonePart {
  PartNumber: number;
  ETag: string;
  ChecksumSHA256?: string;
}

/**
 * Upload a large file in parts, resuming an earlier upload of it when the journal knows one:
 * parts already on the store whose size and MD5 (the part ETag) match the local bytes are
 * kept; every new part is sent with Content-MD5 (and SHA-256 where the store takes it) and its
 * returned ETag checked. Parts are read in order so the file's SHA-256 is computed from the
 * very bytes sent; a file that no longer matches its manifest is never completed. Returns the
 * object's expected ETag.
 */
export async function uploadMultipart(
  target: MultipartTarget,
  file: LocalFile,
  hooks: UploadHooks,
): Promise<string> {
  const { uploadId, existing } = await startOrResume(target, file, hooks);
  const count = Math.ceil(file.size / PART_SIZE);
  const handle = await open(file.path, 'r');
  try {
    const whole = createHash('sha256');
    const jobs: Promise<DonePart>[] = [];
    let failed = false;
    for (let n = 1; n <= count && !failed; n++) {
      const release = await partLimit.acquire();
      const body = await readPart(handle, file, n).catch((error) => {
        release();
        throw error;
      });
      whole.update(body);
      const job = sendPart(target, body, uploadId, n, existing, hooks).finally(release);
      job.catch(() => {
        failed = true;
      });
      jobs.push(job);
    }
    const parts = await Promise.all(jobs);
    if (whole.digest('hex') !== file.sha256) {
      await abort(target, uploadId);
      throw new PublishError(
        `${file.path} changed since the release was built (hash mismatch)`,
        'BadDigest',
      );
    }
    await target.guard();
    await target.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const md5s = Buffer.concat(parts.map((p) => Buffer.from(p.ETag.replaceAll('"', ''), 'hex')));
    return `${createHash('md5').update(md5s).digest('hex')}-${count}`;
  } catch (error) {
    if (error instanceof PublishError && error.code === 'Exists') await abort(target, uploadId);
    throw error;
  } finally {
    await handle.close();
  }
}

async function startOrResume(target: MultipartTarget, file: LocalFile, hooks: UploadHooks) {
  const known = hooks.resumable(target.key);
  if (known) {
    const existing = await listParts(target, known);
    if (existing) return { uploadId: known, existing };
  }
  const created = await target.client.send(
    new CreateMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      ContentType: file.mediaType,
      Metadata: { sha256: file.sha256 },
      ...(target.sha256Checksums ? { ChecksumAlgorithm: 'SHA256' } : {}),
    }),
  );
  const uploadId = created.UploadId!;
  await hooks.started(target.key, uploadId);
  return { uploadId, existing: new Map<number, { etag: string; size: number }>() };
}

/** Parts of an unfinished upload, or undefined when the store no longer knows it. */
async function listParts(target: MultipartTarget, uploadId: string) {
  const parts = new Map<number, { etag: string; size: number }>();
  let marker: string | undefined;
  try {
    do {
      const page = await target.client.send(
        new ListPartsCommand({
          Bucket: target.bucket,
          Key: target.key,
          UploadId: uploadId,
          ...(marker ? { PartNumberMarker: marker } : {}),
        }),
      );
      for (const p of page.Parts ?? []) {
        parts.set(p.PartNumber!, { etag: (p.ETag ?? '').replaceAll('"', ''), size: p.Size ?? -1 });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (error) {
    if (errorCode(error) === 'NoSuchUpload' || errorCode(error) === 'NotFound') return undefined;
    throw error;
  }
  return parts;
}

async function readPart(
  handle: Awaited<ReturnType<typeof open>>,
  file: LocalFile,
  number: number,
): Promise<Buffer> {
  const offset = (number - 1) * PART_SIZE;
  const length = Math.min(PART_SIZE, file.size - offset);
  const body = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(body, 0, length, offset);
  if (bytesRead !== length) {
    throw new PublishError(`${file.path} is shorter than the manifest says`, 'BadDigest');
  }
  return body;
}

async function sendPart(
  target: MultipartTarget,
  body: Buffer,
  uploadId: string,
  number: number,
  existing: Map<number, { etag: string; size: number }>,
  hooks: UploadHooks,
): Promise<DonePart> {
  const length = body.length;
  const md5 = createHash('md5').update(body).digest();
  const digest = createHash('sha256').update(body).digest();
  const sha = target.sha256Checksums ? digest.toString('base64') : undefined;
  const done: DonePart = { PartNumber: number, ETag: `"${md5.toString('hex')}"` };
  if (sha) done.ChecksumSHA256 = sha;
  const have = existing.get(number);
  if (have && have.size === length && have.etag === md5.toString('hex')) {
    hooks.progress(length);
    return done;
  }
  const command = new UploadPartCommand({
    Bucket: target.bucket,
    Key: target.key,
    UploadId: uploadId,
    PartNumber: number,
    Body: body,
    ContentLength: length,
    ContentMD5: md5.toString('base64'),
    ...(sha ? { ChecksumSHA256: sha } : {}),
  });
  const sent = await target.client.send(withPayloadHash(command, digest.toString('hex')));
  if ((sent.ETag ?? '').replaceAll('"', '') !== md5.toString('hex')) {
    throw new PublishError(
      `part ${number} of ${target.key} arrived damaged (ETag mismatch)`,
      'BadDigest',
      target.key,
    );
  }
  hooks.progress(length);
  return done;
}

async function abort(target: MultipartTarget, uploadId: string): Promise<void> {
  await target.client
    .send(
      new AbortMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
      }),
    )
    .catch(() => undefined);
}
