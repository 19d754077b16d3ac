import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { buildFixtureRelease } from './helpers.js';

/** A gateway that accepts connections and never says a word. */
function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, port, sockets });
    });
  });
}

const keys = {
  AWS_ACCESS_KEY_ID: 'test-key-id',
  AWS_SECRET_ACCESS_KEY: 'test-secret-x7',
  AWS_REGION: 'us-east-1',
};

describe('store errors', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(() => {
    for (const socket of silent.sockets) socket.destroy();
    silent.server.close();
  });

  it('should fail with a one-line timeout error and exit 1 when the store accepts but never answers', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const endpoint = `http://127.0.0.1:${silent.port}`;
    const started = Date.now();
    const run = await runCli(['publish', dir, '--to', 's3://bucket/set', '--endpoint', endpoint], {
      env: { ...keys, SLIDEPACK_S3_TIMEOUT: '1' },
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the store at ${endpoint} did not answer within 1 s`);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => /error/i.test(l)),
    ).toHaveLength(1);
  }, 60_000);

  it('should take the timeout from --timeout as well', async () => {
    const endpoint = `http://127.0.0.1:${silent.port}`;
    const run = await runCli(
      ['verify', 's3://bucket/set', '--endpoint', endpoint, '--timeout', '0.5'],
      { env: keys },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the store at ${endpoint} did not answer within 0.5 s`);
  }, 60_000);
});

describe('no credentials', () => {
  it('should say that no credentials were found locally and exit 1', async () => {
    const { dir } = await buildFixtureRelease('1.0.0');
    const home = await tempDir();
    const none = {
      HOME: home,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_CONFIG_FILE: join(home, 'config'),
    };
    const run = await runCli(
      ['publish', dir, '--to', 's3://bucket/set', '--endpoint', 'http://127.0.0.1:9'],
      { env: none },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no credentials were found locally');
    expect(run.stderr).toContain('AWS_ACCESS_KEY_ID');
    expect(run.stderr).toContain('AWS_PROFILE');
    expect(run.stderr).not.toContain('refused the credentials');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 60_000);
});
