import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError, PublishError } from '../errors.js';
import { type Manifest, manifestProblem, releaseId } from '../release/manifest.js';
import { manifestKey } from './layout.js';
import { openStore } from './open.js';
import { readIndex, readLatest } from './pointers.js';
import type { S3Options } from './s3-client.js';
import type { Store } from './store.js';

/** A published release as read back from a store. */
export interface RemoteRelease {
  store: Store;
  version: string;
  manifest: Manifest;
  manifestBytes: Buffer;
  releaseId: string;
}

/**
 * Open a store for reading. Without any credentials in the environment or ~/.aws the client
 * is anonymous, so public releases can be read with nothing configured.
 */
export function openForReading(url: string, options: S3Options = {}): Store {
  const anonymous = options.anonymous ?? (url.startsWith('s3://') && !credentialsConfigured());
  return openStore(url, { ...options, anonymous });
}

function credentialsConfigured(): boolean {
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  const files = [env.AWS_SHARED_CREDENTIALS_FILE, env.AWS_CONFIG_FILE].filter(Boolean) as string[];
  files.push(join(homedir(), '.aws', 'credentials'), join(homedir(), '.aws', 'config'));
  return files.some((f) => existsSync(f));
}

/** Read a release's manifest; the version defaults to the one latest.json points at. */
export async function readRemoteRelease(store: Store, version?: string): Promise<RemoteRelease> {
  const chosen = version ?? (await latestVersion(store));
  const found = await store.read(manifestKey(chosen));
  if (!found) {
    throw new PublishError(
      `${store.url}: release ${chosen} is not published (no manifest)`,
      'NoSuchKey',
    );
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(found.body.toString('utf8')) as Manifest;
  } catch {
    throw new InputError(
      'the published manifest is not valid JSON',
      `${store.url}/${manifestKey(chosen)}`,
    );
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new InputError(problem, `${store.url}/${manifestKey(chosen)}`);
  const id = releaseId(found.body.toString('utf8'));
  await checkIndexedId(store, chosen, id);
  return { store, version: chosen, manifest, manifestBytes: found.body, releaseId: id };
}

async function latestVersion(store: Store): Promise<string> {
  const latest = await readLatest(store);
  if (!latest.value) {
    throw new PublishError(
      `${store.url}: no latest.json; name the version with --release-version`,
      'NoSuchKey',
    );
  }
  return latest.value.version;
}

/** The index records each release's id; a manifest that hashes differently was altered. */
async function checkIndexedId(store: Store, version: string, id: string): Promise<void> {
  const index = await readIndex(store).catch(() => ({ value: undefined }));
  const entry = index.value?.releases.find((r) => r.version === version);
  if (entry && entry.releaseId !== id) {
    throw new PublishError(
      `${store.url}: the manifest of ${version} hashes to ${id}, but releases.json lists ${entry.releaseId}`,
      'BadDigest',
    );
  }
}
