import type { AssociatedImage, ImageSource, SlideInfo } from './info.js';

/** A slide's metadata as lines for a terminal. */
export function formatSlideInfo(info: SlideInfo): string[] {
  const mpp = info.mpp ? `${round(info.mpp.x)} × ${round(info.mpp.y)} µm/px` : 'mpp unknown';
  const power = info.objectivePower ? `, ${info.objectivePower}×` : '';
  const maker = [info.vendor, info.scanner].filter(Boolean).join(' ');
  const lines = [
    `${info.path}: ${info.format}${info.bigTiff ? ' (BigTIFF)' : ''}, ` +
      `${info.width} × ${info.height} px, ${info.levels.length} level(s), ${info.compression}, ` +
      `${mpp}${power}${maker ? `, ${maker}` : ''}`,
  ];
  for (const [n, level] of info.levels.entries()) {
    const tiles = level.tileWidth ? `, tiles ${level.tileWidth} × ${level.tileHeight}` : '';
    const derived = level.stored === false ? ' (decoded at reduced scale, not stored)' : '';
    lines.push(
      `  level ${n}: ${level.width} × ${level.height}, downsample ${round(level.downsample)}` +
        `${tiles}${derived}`,
    );
  }
  for (const image of info.associatedImages) lines.push(`  ${associated(image)}`);
  lines.push(`  sha256 ${info.sha256}`, `  header fingerprint ${info.headerFingerprint}`);
  return lines;
}

function associated(image: AssociatedImage): string {
  const flag = image.mayIdentifyPatient ? ': may show patient identifiers' : '';
  const where = image.source ? ` (${sourceText(image.source)})` : '';
  return `${image.kind} ${image.width} × ${image.height}${where}${flag}`;
}

function sourceText(source: ImageSource): string {
  if (source.file) return source.file.split(/[\\/]/).pop() ?? source.file;
  return source.subIfd === undefined
    ? `IFD ${source.ifd}`
    : `SubIFD ${source.subIfd} of IFD ${source.ifd}`;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
