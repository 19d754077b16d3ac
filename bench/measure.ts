import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** One timed run of a command: wall seconds and peak resident memory. */
export interface Run {
  seconds: number;
  peakMb: number;
  failed?: string;
}

const TIME = '/usr/bin/time';

/** Run a command in `cwd`, timing it and taking its peak RSS (KiB) from /usr/bin/time. */
export async function measure(command: string, args: string[], cwd: string): Promise<Run> {
  const start = performance.now();
  const child = spawn(TIME, ['-f', '%M', command, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = (await once(child, 'close')) as [number];
  const seconds = (performance.now() - start) / 1000;
  const lines = stderr.trim().split('\n');
  const run: Run = { seconds, peakMb: Number(lines.at(-1)) / 1024 };
  if (code !== 0) run.failed = lines.slice(-6, -1).join(' ').slice(0, 200) || `exit ${code}`;
  return run;
}

/** One table row: name, seconds, MB/s over `mb` of input, peak RSS. */
export function row(name: string, mb: number, run: Run): string {
  const rate = run.failed ? '       -' : (mb / run.seconds).toFixed(1).padStart(8);
  const status = run.failed ? `  FAILED: ${run.failed}` : '';
  const time = run.seconds.toFixed(2).padStart(8);
  return `${name.padEnd(34)} ${time} ${rate} ${run.peakMb.toFixed(0).padStart(8)}${status}`;
}
