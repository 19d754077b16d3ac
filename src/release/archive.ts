import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import archiver from 'archiver';

/**
 * Pack the release folder, all of it but the slides, into one zip or tar.gz: annotations,
 * documents, thumbnails and the bag tag files, for people who want the labels in one download.
 */
export async function writeArchive(
  releaseDir: string,
  type: 'zip' | 'tar.gz',
  out: string,
  files: string[],
  top: string,
): Promise<void> {
  const archive =
    type === 'zip' ? archiver('zip', { zlib: { level: 6 } }) : archiver('tar', { gzip: true });
  const stream = createWriteStream(out);
  const failure = new Promise<never>((_, reject) => {
    archive.on('error', reject);
    stream.on('error', reject);
  });
  archive.pipe(stream);
  for (const path of [...files].sort()) {
    archive.file(`${releaseDir}/${path}`, { name: `${top}/${path}`, date: new Date(0) });
  }
  await Promise.race([archive.finalize(), failure]);
  await Promise.race([finished(stream), failure]);
}
