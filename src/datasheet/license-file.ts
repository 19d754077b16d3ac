import { licenseText } from '../descriptor/license.js';
import type { Descriptor } from '../descriptor/types.js';
import type { DataLicense } from '../descriptor/inputs.js';

/**
 * The LICENSE file: the release's image and label licenses in full from the SPDX data package,
 * then each reused source with the license it keeps.
 */
export function licenseFile(d: Descriptor, dataLicenses: DataLicense[]): string {
  const images = d.distribution?.license?.images;
  const labels = d.distribution?.license?.labels;
  if (!images || !labels)
    throw new Error('licenseFile needs distribution.license.images and .labels');
  const name = d.identity?.name ?? 'This dataset';
  const parts: string[] = [];
  const rule = '='.repeat(78);
  if (images === labels) {
    parts.push(`${name}: the slide images and the labels are licensed under ${images}.`);
  } else {
    parts.push(
      `${name}: the slide images are licensed under ${images}; the labels under ${labels}.`,
    );
  }
  const sources = [
    ...(d.distribution?.sources ?? []).map(
      (s) =>
        `- ${s.name}${s.url ? ` (${s.url})` : ''}: ${s.license}${s.attribution ? `. ${s.attribution}` : ''}`,
    ),
    ...dataLicenses.map(
      (l) => `- ${l.file.split('/').pop()}: ${l.spdx} (stated in the file: ${l.text})`,
    ),
  ];
  if (sources.length) parts.push(`Reused material keeps its own license:\n\n${sources.join('\n')}`);
  for (const [what, id] of images === labels
    ? [['Images and labels', images]]
    : [
        ['Images', images],
        ['Labels', labels],
      ]) {
    const license = licenseText(id!);
    parts.push(
      [
        rule,
        `${what}: ${license.name} (SPDX: ${id})`,
        license.url,
        rule,
        '',
        license.text.trim(),
      ].join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
