import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/** A running radosgw for the publish tests; null when it is not installed (local runs only). */
export interface RgwInfo {
  endpoint: string;
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  otherAccessKeyId: string;
  otherSecretAccessKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    rgw: RgwInfo | null;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');

/** Only runs that include the publish tests start the gateway (about 13 s, up to 3 GiB RAM). */
function wanted(): boolean {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run');
  return filters.length === 0 || filters.some((f) => /publish|job|tests\/?$|^tests$/.test(f));
}

/**
 * Start a throw-away Ceph cluster and radosgw on 127.0.0.1 once per test run
 * (.ci/start-rgw.sh), hand its endpoint to the tests, and stop it at the end.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const installed = spawnSync('sh', ['-c', 'command -v radosgw']).status === 0;
  if (!installed && process.env.CI) {
    throw new Error('radosgw is not installed but CI is set: run .ci/test.sh (it installs it)');
  }
  if (!installed || !wanted()) {
    project.provide('rgw', null);
    return undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'slidepack-rgw-'));
  const run = spawnSync('bash', [join(ROOT, '.ci/start-rgw.sh'), dir], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const port = Number(/RGWPORT=(\d+)/.exec(run.stdout ?? '')?.[1]);
  if (run.status !== 0 || !port) {
    await stopCluster(dir);
    throw new Error(`radosgw did not start (${run.status}): ${run.stderr}\nlogs in ${dir}/log`);
  }
  project.provide('rgw', {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accessKeyId: 'TESTKEY',
    secretAccessKey: 'TESTSECRET',
    otherAccessKeyId: 'OTHERKEY',
    otherSecretAccessKey: 'OTHERSECRET',
  });
  return async () => {
    await stopCluster(dir);
    await rm(dir, { recursive: true, force: true });
  };
}

/** SIGTERM the gateway, then the OSD, then the monitor, waiting for each to exit. */
async function stopCluster(dir: string): Promise<void> {
  for (const name of ['rgw', 'osd', 'mon']) {
    const pid = Number(await readFile(join(dir, `${name}.pid`), 'utf8').catch(() => ''));
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    await waitForExit(pid, 20_000);
  }
}

async function waitForExit(pid: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}
