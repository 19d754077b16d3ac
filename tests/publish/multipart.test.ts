import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { PART_SIZE, uploadMultipart } from '../../src/publish/multipart.js';
import { S3Store } from '../../src/publish/s3-store.js';
import { hashWithParts } from '../../src/release/parts.js';
import { tempDir } from '../helpers.js';
import { newBucket, rgwClient, rgwEnv, sha256 } from './helpers.js';

const rgw = inject('rgw');

type Sent = { headers: Record<string, string>; body: unknown };

/** A client that records every UploadPart request, and may damage one body after signing. */
function recordingClient(damagePart?: number): { client: S3Client; parts: Sent[] } {
  const client = rgwClient(rgw!);
  const parts: Sent[] = [];
  type Args = { request: Sent & { query?: Record<string, string> } };
  const record = (next: (args: Args) => unknown) => (args: Args) => {
    const number = Number(args.request.query?.partNumber);
    if (number) parts.push({ headers: { ...args.request.headers }, body: args.request.body });
    if (number && number === damagePart) {
      const body = Buffer.from(args.request.body as Buffer);
      body[5] = (body[5] ?? 0) ^ 0xff;
      args.request.body = body;
    }
    return next(args);
  };
  client.middlewareStack.add(
    record as never,
    { step: 'finalizeRequest', priority: 'low' } as never,
  );
  return { client, parts };
}

/** A local file of three parts (the last one short), described as the manifest would. */
async function threePartFile() {
  const bytes = randomBytes(2 * PART_SIZE + 123_457);
  const path = join(await tempDir('slidepack-mp-'), 'big.tiff');
  await writeFile(path, bytes);
  return {
    bytes,
    file: { path, size: bytes.length, sha256: sha256(bytes), mediaType: 'image/tiff' },
  };
}

/** The multipart ETag the local bytes give: MD5 of the parts' MD5s, then the part count. */
function multipartEtag(bytes: Buffer): string {
  const md5s = [];
  for (let at = 0; at < bytes.length; at += PART_SIZE) {
    md5s.push(
      createHash('md5')
        .update(bytes.subarray(at, at + PART_SIZE))
        .digest(),
    );
  }
  return `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`;
}

const hooks = {
  progress: () => {},
  started: async () => {},
  resumable: () => undefined,
  forgotten: async () => {},
};

describe.skipIf(!rgw)('uploading a large file in parts to radosgw', () => {
  it('should find what radosgw honours by probing and leave no scratch object', async () => {
    Object.assign(process.env, rgwEnv(rgw!));
    const bucket = await newBucket(rgw!);
    const store = new S3Store(`s3://${bucket}/set`, { endpoint: rgw!.endpoint });
    expect(await store.probe()).toEqual({
      checksums: 'sha256',
      createOnly: 'native',
      compareAndSwap: 'native',
      bodyCheck: 'sha256',
    });
    const listed = await rgwClient(rgw!).send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents ?? []).toEqual([]);
  });

  for (const [verified, recorded] of [
    [true, false],
    [true, true],
    [false, false],
  ] as const) {
    const how =
      (verified ? 'signed SHA-256 only' : 'Content-MD5 as well') +
      ' on every part' +
      (recorded ? ' (digests recorded at build time)' : '');
    it(`should store the exact bytes with ${how}`, async () => {
      const { bytes, file } = await threePartFile();
      const recordedParts = recorded ? { parts: (await hashWithParts(file.path)).parts } : {};
      const { client, parts } = recordingClient();
      const bucket = await newBucket(rgw!);
      const target = { client, bucket, key: 'big', sha256Checksums: true, guard: async () => {} };
      const etag = await uploadMultipart(
        { ...target, sha256Verified: verified },
        { ...file, ...recordedParts },
        hooks,
      );

      expect(parts).toHaveLength(3);
      for (const [i, sent] of parts.entries()) {
        const part = bytes.subarray(i * PART_SIZE, (i + 1) * PART_SIZE);
        const sha = createHash('sha256').update(part).digest();
        expect(sent.headers['x-amz-content-sha256']).toBe(sha.toString('hex'));
        expect(sent.headers['x-amz-checksum-sha256']).toBe(sha.toString('base64'));
        const md5 = createHash('md5').update(part).digest('base64');
        expect(sent.headers['content-md5']).toBe(verified ? undefined : md5);
      }
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big' }));
      expect(etag).toBe(multipartEtag(bytes));
      expect(head.ETag?.replaceAll('"', '')).toBe(etag);
      expect(head.ContentLength).toBe(bytes.length);
    });
  }

  /** Record a three-part file's part digests, change its second part, then upload it. */
  async function uploadChangedFile(sha256Verified: boolean) {
    const { bytes, file } = await threePartFile();
    const recorded = await hashWithParts(file.path);
    expect(recorded.sha256).toBe(file.sha256);
    expect(recorded.parts).toHaveLength(3);
    bytes[PART_SIZE + 10] = (bytes[PART_SIZE + 10] ?? 0) ^ 1;
    await writeFile(file.path, bytes);
    const { client, parts } = recordingClient();
    const bucket = await newBucket(rgw!);
    const target = { client, bucket, key: 'big', sha256Checksums: true, guard: async () => {} };
    const upload = uploadMultipart(
      { ...target, sha256Verified },
      { ...file, parts: recorded.parts },
      hooks,
    );
    await expect(upload).rejects.toThrow(/changed since the release was built/);
    const head = client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big' }));
    await expect(head).rejects.toThrow();
    return {
      bytes,
      recorded,
      client,
      bucket,
      sent: parts.map((p) => p.headers['x-amz-content-sha256']),
    };
  }

  it('should have the store refuse a part changed since the build; nothing completed', async () => {
    const { recorded, client, bucket, sent } = await uploadChangedFile(true);
    // The changed part went out under the digest recorded at build time, which the store refused.
    expect(sent).toContain(recorded.parts[1]);
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  it('should never send a changed part to a store that does not check signed bodies', async () => {
    const { bytes, recorded, sent } = await uploadChangedFile(false);
    expect(sent).not.toContain(recorded.parts[1]);
    const changedPart = createHash('sha256').update(bytes.subarray(PART_SIZE, 2 * PART_SIZE));
    expect(sent).not.toContain(changedPart.digest('hex'));
  });

  it('should fail, and complete nothing, when a part is damaged after it was hashed', async () => {
    const { file } = await threePartFile();
    const { client } = recordingClient(2);
    const bucket = await newBucket(rgw!);
    const target = { client, bucket, key: 'big', sha256Checksums: true, guard: async () => {} };
    const upload = uploadMultipart({ ...target, sha256Verified: true }, file, hooks);
    await expect(upload).rejects.toMatchObject({ name: 'XAmzContentSHA256Mismatch' });
    const head = client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big' }));
    await expect(head).rejects.toThrow();
  });
});
