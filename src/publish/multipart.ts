import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { PublishError } from '../errors.js';
import { PART_SIZE } from '../release/parts.js';
import { Limit } from './limit.js';
import { FileHasher, giveBack, type PartDigest, takeBuffer } from './part-hasher.js';
import { errorCode, isPayloadMismatch, withPayloadHash } from './s3-client.js';
import type { LocalFile, UploadHooks } from './store.js';

export { PART_SIZE };

/** Every part upload of every file shares this limit, so many small files cannot flood. */
export const partLimit = new Limit(8);

export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  key: string;
  sha256Checksums: boolean;
  /**
   * The store refuses a part whose bytes differ from its signed SHA-256
   * (`x-amz-content-sha256`), so Content-MD5 would add nothing but a second hash of every byte.
   */
  sha256Verified: boolean;
  /** Called before the upload is completed: throws when the key appeared meanwhile. */
  guard(): Promise<void>;
}

interface DonePart {
  PartNumber: number;
  ETag: string;
  ChecksumSHA256?: string;
}

type Existing = Map<number, { etag: string; size: number }>;

/** One upload in progress: where it goes, what is already there, who hashes it. */
interface Upload {
  target: MultipartTarget;
  file: LocalFile;
  uploadId: string;
  existing: Existing;
  hasher: FileHasher;
  hooks: UploadHooks;
}

/**
 * Upload a large file in parts, resuming an earlier upload of it when the journal knows one:
 * parts already on the store whose size and MD5 (the part ETag) match the local bytes are
 * kept. Every new part is sent with its SHA-256 signed (and as a checksum where the store takes
 * one); stores that do not check the signed SHA-256 also get Content-MD5 and have the returned
 * ETag compared. Parts are read once, in order. Where the store checks signed digests and the
 * part digests recorded at build time are at hand, those are sent and the store refuses a part
 * that changed; otherwise each part is hashed on a worker thread and compared with its record
 * (a changed part is never sent) or, without a record, fed to the file's SHA-256. Either way a
 * file that no longer matches its manifest is never completed. Returns the expected ETag.
 */
export async function uploadMultipart(
  target: MultipartTarget,
  file: LocalFile,
  hooks: UploadHooks,
): Promise<string> {
  const { uploadId, existing } = await startOrResume(target, file, hooks);
  const handle = await open(file.path, 'r');
  const upload: Upload = { target, file, uploadId, existing, hasher: new FileHasher(), hooks };
  try {
    const parts = await sendParts(upload, handle).catch(async (error) => {
      if (changedErrors.has(error)) await abort(target, uploadId, hooks);
      throw error;
    });
    // Parts matched the digests recorded at build time; otherwise the whole file must match.
    if (!file.parts && (await upload.hasher.whole()) !== file.sha256) {
      await abort(target, uploadId, hooks);
      throw changed(file);
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
    return `${createHash('md5').update(md5s).digest('hex')}-${parts.length}`;
  } catch (error) {
    if (error instanceof PublishError && error.code === 'Exists')
      await abort(target, uploadId, hooks);
    throw error;
  } finally {
    await upload.hasher.close();
    await handle.close();
  }
}

/** Read the parts in order (at most {@link partLimit} in memory) and send them concurrently. */
async function sendParts(upload: Upload, handle: FileHandle) {
  const { file } = upload;
  const count = Math.ceil(file.size / PART_SIZE);
  const jobs: Promise<DonePart>[] = [];
  let failed = false;
  for (let n = 1; n <= count && !failed; n++) {
    const release = await partLimit.acquire();
    const body = await readPart(handle, file, n).catch((error) => {
      release();
      throw error;
    });
    const job = sendPart(upload, body, n, digestOf(upload, body, n)).finally(release);
    job.then(
      () => giveBack(body, partLimit.size),
      () => {
        failed = true;
      },
    );
    jobs.push(job);
  }
  return Promise.all(jobs);
}

async function startOrResume(target: MultipartTarget, file: LocalFile, hooks: UploadHooks) {
  const known = hooks.resumable(target.key);
  if (known) {
    const existing = await listParts(target, known);
    if (existing) return { uploadId: known, existing };
    await hooks.forgotten(target.key);
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
  return { uploadId, existing: new Map() as Existing };
}

const GONE = new Set(['NoSuchUpload', 'NoSuchKey', 'NotFound']);

/** Parts of an unfinished upload, or undefined when the store no longer knows it. */
async function listParts(target: MultipartTarget, uploadId: string) {
  const parts: Existing = new Map();
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
    // radosgw answers NoSuchKey for an aborted upload id, AWS NoSuchUpload.
    if (GONE.has(errorCode(error))) return undefined;
    throw error;
  }
  return parts;
}

async function readPart(handle: FileHandle, file: LocalFile, number: number): Promise<Buffer> {
  const offset = (number - 1) * PART_SIZE;
  const length = Math.min(PART_SIZE, file.size - offset);
  const body = takeBuffer(PART_SIZE, length);
  const { bytesRead } = await handle.read(body, 0, length, offset);
  if (bytesRead !== length) {
    throw new PublishError(`${file.path} is shorter than the manifest says`, 'BadDigest');
  }
  return body;
}

const changedErrors = new WeakSet<object>();

function changed(file: LocalFile): PublishError {
  const error = new PublishError(
    `${file.path} changed since the release was built (hash mismatch)`,
    'BadDigest',
  );
  changedErrors.add(error);
  return error;
}

/**
 * The digests part `n` is sent with. A store that checks the signed SHA-256 of every body is
 * given the digest recorded at build time as it is, unhashed: it refuses the part if the bytes
 * changed since. Otherwise the part is hashed here (called in part order, so the whole-file
 * SHA-256 sees the parts in order), and one that differs from its record is never sent.
 */
function digestOf(upload: Upload, body: Buffer, n: number) {
  const { file } = upload;
  const resumed = upload.existing.has(n);
  if (file.parts && upload.target.sha256Verified && !resumed) {
    return Promise.resolve({ sha256: Buffer.from(file.parts[n - 1]!, 'hex') });
  }
  const md5 = !upload.target.sha256Verified || resumed;
  return checked(upload.hasher.part(body, { md5, whole: !file.parts }), file, n);
}

async function checked(digest: Promise<PartDigest>, file: LocalFile, n: number) {
  const done = await digest;
  if (file.parts && file.parts[n - 1] !== done.sha256.toString('hex')) throw changed(file);
  return done;
}

async function sendPart(
  upload: Upload,
  body: Buffer,
  number: number,
  digesting: Promise<PartDigest>,
): Promise<DonePart> {
  const { target, hooks } = upload;
  const { sha256, md5 } = await digesting;
  const sha = target.sha256Checksums ? sha256.toString('base64') : undefined;
  const have = upload.existing.get(number);
  if (md5 && have && have.size === body.length && have.etag === md5.toString('hex')) {
    hooks.progress(body.length);
    return part(number, md5.toString('hex'), sha);
  }
  const command = new UploadPartCommand({
    Bucket: target.bucket,
    Key: target.key,
    UploadId: upload.uploadId,
    PartNumber: number,
    Body: body,
    ContentLength: body.length,
    ...(md5 ? { ContentMD5: md5.toString('base64') } : {}),
    ...(sha ? { ChecksumSHA256: sha } : {}),
  });
  const sent = await target.client
    .send(withPayloadHash(command, sha256.toString('hex')))
    .catch((error) => {
      // The store found the bytes differ from the digest recorded at build time.
      if (upload.file.parts && isPayloadMismatch(error)) throw changed(upload.file);
      throw error;
    });
  const etag = (sent.ETag ?? '').replaceAll('"', '');
  // Without MD5 the store vouched for the bytes by checking their signed SHA-256.
  if (md5 ? etag !== md5.toString('hex') : !/^[0-9a-f]{32}$/.test(etag)) {
    throw new PublishError(
      `part ${number} of ${target.key} arrived damaged (ETag ${etag || 'missing'})`,
      'BadDigest',
      target.key,
    );
  }
  hooks.progress(body.length);
  return part(number, etag, sha);
}

function part(number: number, md5Hex: string, sha?: string): DonePart {
  const done: DonePart = { PartNumber: number, ETag: `"${md5Hex}"` };
  if (sha) done.ChecksumSHA256 = sha;
  return done;
}

/** Abort the upload on the store and drop it from the journal, so a re-run starts afresh. */
async function abort(target: MultipartTarget, uploadId: string, hooks: UploadHooks) {
  await hooks.forgotten(target.key);
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
