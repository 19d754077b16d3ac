import { UsageError } from '../errors.js';

/** A semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH with optional pre-release. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  text: string;
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parse a version, or undefined when it is not semantic-version syntax. */
export function parseVersion(text: string): SemVer | undefined {
  const m = SEMVER.exec(text);
  if (!m) return undefined;
  // Build metadata (+...) is allowed by semver but would let two names mean one release.
  if (m[5] !== undefined) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] ? m[4].split('.') : [],
    text,
  };
}

/** Parse a version or throw a usage error that says what a valid one looks like. */
export function requireVersion(text: string): SemVer {
  const version = parseVersion(text);
  if (!version) {
    throw new UsageError(
      `"${text}" is not a semantic version; expected MAJOR.MINOR.PATCH such as 1.0.0 or ` +
        '2.1.0-rc.1 (no leading zeros, no build metadata)',
    );
  }
  return version;
}

/** Semver precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A release without a pre-release part ranks above its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (a.prerelease.length === 0) return b.prerelease.length === 0 ? 0 : 1;
  if (b.prerelease.length === 0) return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
