import { createHash } from 'node:crypto';

/** slidepack's namespace for name-based UUIDs (a fixed random UUID). */
const NAMESPACE = Buffer.from('6f1d2a52c3b84e0f9d7a1b5e8c3f4a21', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5): the same name always gives the same UUID, so files
 * written twice from the same data are byte-identical and releases are reproducible.
 */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The time to stamp into written files when the data carries none: `SOURCE_DATE_EPOCH` (the
 * reproducible-builds convention, in seconds) when set, else now.
 */
export function writeTime(): number {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  return Number.isFinite(epoch) && process.env.SOURCE_DATE_EPOCH ? epoch : Date.now() / 1000;
}
