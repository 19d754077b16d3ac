import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileHasher, giveBack, takeBuffer } from '../../src/publish/part-hasher.js';

function digest(algorithm: string, data: Buffer): Buffer {
  return createHash(algorithm).update(data).digest();
}

describe('hashing a file part by part on a worker thread', () => {
  it('should give each part its SHA-256 (MD5 when asked) and the whole file its SHA-256', async () => {
    // Sizes around the worker's 256 KiB slices: empty, one byte short, exact, one over, odd.
    const parts = [0, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 1_000_003].map((n) =>
      randomBytes(n),
    );
    const hasher = new FileHasher();
    try {
      const replies = parts.map((bytes, i) => {
        const shared = takeBuffer(bytes.length, bytes.length);
        bytes.copy(shared);
        return hasher.part(shared, { md5: i % 2 === 1, whole: true });
      });
      for (const [i, reply] of (await Promise.all(replies)).entries()) {
        expect(reply.sha256).toEqual(digest('sha256', parts[i]!));
        if (i % 2 === 1) expect(reply.md5).toEqual(digest('md5', parts[i]!));
        else expect(reply.md5).toBeUndefined();
      }
      expect(await hasher.whole()).toBe(digest('sha256', Buffer.concat(parts)).toString('hex'));
    } finally {
      await hasher.close();
    }
  });

  it('should reuse a returned buffer only for a part that fits in it', () => {
    const first = takeBuffer(1024, 100);
    giveBack(first, 1);
    const again = takeBuffer(1024, 1024);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(1024);
    giveBack(again, 1);
    expect(takeBuffer(4096, 4096).buffer).not.toBe(first.buffer);
  });

  it('should refuse work after it is closed instead of waiting forever', async () => {
    const hasher = new FileHasher();
    await hasher.close();
    await expect(hasher.part(takeBuffer(8, 8), { md5: false, whole: true })).rejects.toThrow(
      /closed/,
    );
  });
});
