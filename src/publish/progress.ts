import type { Logger } from '../log.js';

/**
 * Transfer progress: a bar on stderr when it is a terminal (bytes, files, rate, ETA), and
 * `progress` NDJSON events on stdout with `--json` (at most one a second, plus a last one).
 */
export class Progress {
  private bytes = 0;
  private files = 0;
  private readonly started = Date.now();
  private lastEvent = 0;
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(
    private readonly phase: string,
    private readonly totalBytes: number,
    private readonly totalFiles: number,
    private readonly logger: Logger,
  ) {
    this.tty =
      Boolean(process.stderr.isTTY) &&
      !logger.json &&
      logger.level !== 'quiet' &&
      logger.level !== 'silent';
  }

  add(bytes: number): void {
    this.bytes += bytes;
    this.tick(false);
  }

  fileDone(): void {
    this.files += 1;
    this.tick(false);
  }

  finish(): void {
    this.tick(true);
    if (this.tty) process.stderr.write('\n');
  }

  private tick(force: boolean): void {
    const now = Date.now();
    if (this.logger.json && (force || now - this.lastEvent >= 1000)) {
      this.lastEvent = now;
      this.logger.event('progress', { phase: this.phase, ...this.numbers(now) });
    }
    if (this.tty && (force || now - this.lastDraw >= 100)) {
      this.lastDraw = now;
      process.stderr.write(`\r${this.line(now)}\x1b[K`);
    }
  }

  private numbers(now: number) {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = this.bytes / seconds;
    const eta = rate > 0 ? (this.totalBytes - this.bytes) / rate : null;
    return {
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      files: this.files,
      totalFiles: this.totalFiles,
      bytesPerSecond: Math.round(rate),
      etaSeconds: eta === null ? null : Math.round(eta),
    };
  }

  private line(now: number): string {
    const n = this.numbers(now);
    const share = this.totalBytes ? n.bytes / this.totalBytes : 1;
    const bar = '#'.repeat(Math.round(share * 24)).padEnd(24, '.');
    const eta = n.etaSeconds === null ? '--:--' : clock(n.etaSeconds);
    return (
      `${this.phase} [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ` +
      `${human(n.bytes)}/${human(n.totalBytes)} ${n.files}/${n.totalFiles} files ` +
      `${human(n.bytesPerSecond)}/s ETA ${eta}`
    );
  }
}

export function human(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}
