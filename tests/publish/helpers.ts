import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { buildRelease } from '../../src/release/build.js';
import type { RgwInfo } from '../setup/rgw.js';
import { local, SLIDES, tempDir } from '../helpers.js';

// The SDK's notice about its future Node 22 requirement is noise for the pinned version here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Build a release from real slides and the small canonical set beside the tests. */
export async function buildFixtureRelease(
  version = '1.0.0',
  options: { extraSlideBytes?: number; releasesDir?: string; slidesDir?: string } = {},
): Promise<{ dir: string; releasesDir: string; slidesDir: string }> {
  const root = await tempDir('slidepack-pub-');
  const slidesDir = options.slidesDir ?? join(root, 'slides');
  await mkdir(slidesDir, { recursive: true });
  for (const name of ['CMU-1-Small-Region.svs', 'openslide-small.svs']) {
    await copyFile(join(SLIDES, name), join(slidesDir, name));
  }
  if (options.extraSlideBytes) {
    await writeFile(join(slidesDir, 'big.tiff'), randomBytes(options.extraSlideBytes));
  }
  const releasesDir = options.releasesDir ?? join(root, 'releases');
  const result = await buildRelease({
    releasesDir,
    version,
    slidesDir,
    annotations: [local('release', 'annotations.ndjson')],
    thumbnails: false,
  });
  return { dir: result.dir, releasesDir, slidesDir };
}

export function rgwEnv(rgw: RgwInfo): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: rgw.accessKeyId,
    AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
}

export function rgwClient(rgw: RgwInfo): S3Client {
  return new S3Client({
    endpoint: rgw.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
  });
}

/** A fresh bucket with a random name. */
export async function newBucket(rgw: RgwInfo): Promise<string> {
  const bucket = `t-${randomBytes(5).toString('hex')}`;
  await rgwClient(rgw).send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
