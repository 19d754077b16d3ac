import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..');

/** `../shared` beside the repository holds the real fixtures; tests read them from there. */
export const SHARED = process.env.SLIDEPACK_SHARED ?? resolve(ROOT, '..', 'shared');
export const REAL = join(SHARED, 'fixtures', 'real');
export const SLIDES = join(SHARED, 'fixtures', 'slides');
export const LOCAL = join(ROOT, 'tests', 'fixtures');

if (!existsSync(REAL)) {
  throw new Error(`real fixtures not found at ${REAL}; set SLIDEPACK_SHARED to the shared folder`);
}

export function real(...parts: string[]): string {
  return join(REAL, ...parts);
}

export function local(...parts: string[]): string {
  return join(LOCAL, ...parts);
}

export async function tempDir(prefix = 'slidepack-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'slidepack.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
