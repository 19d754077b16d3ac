import type { ScannerEntry, SiteEntry } from '../descriptor/types.js';
import { globToRegExp } from '../descriptor/glob.js';
import type { SlideInfo } from '../slide/info.js';

/** The first entry whose `slides` patterns match the slide id (no patterns: matches all). */
export function entryFor<T extends ScannerEntry | SiteEntry>(
  entries: T[] | undefined,
  slide: string,
): T | undefined {
  return entries?.find((e) => !e.slides || e.slides.some((p) => globToRegExp(p).test(slide)));
}

/** Scanner and microns per pixel of one slide, from its header where it has them, else declared. */
export interface SlideAcquisition {
  slide: string;
  scanner: string;
  domain: string;
  mppX?: number;
  mppY?: number;
  objective?: number;
  format?: string;
  compression?: string;
  levels?: number;
  source: 'header' | 'descriptor' | 'header+descriptor' | 'none';
}

/** Acquisition facts per slide: measured header values win, the descriptor fills the gaps. */
export function slideAcquisition(
  slide: string,
  info: SlideInfo | undefined,
  scanners: ScannerEntry[] | undefined,
): SlideAcquisition {
  const declared = entryFor(scanners, slide);
  const headerScanner = [info?.vendor, info?.scanner].filter(Boolean).join(' ');
  const declaredScanner = declared
    ? [declared.vendor, declared.model].filter(Boolean).join(' ') || declared.id
    : '';
  const mppX = info?.mpp?.x ?? declared?.mpp_x;
  const mppY = info?.mpp?.y ?? declared?.mpp_y ?? mppX;
  const objective = info?.objectivePower ?? declared?.objective_magnification;
  const fromHeader = Boolean(headerScanner || info?.mpp);
  const fromDescriptor = Boolean(declared && (!headerScanner || !info?.mpp));
  return {
    slide,
    scanner: headerScanner || declaredScanner || 'unknown',
    domain: declared?.id ?? (headerScanner || 'unknown'),
    ...(mppX !== undefined ? { mppX } : {}),
    ...(mppY !== undefined ? { mppY } : {}),
    ...(objective !== undefined ? { objective } : {}),
    ...(info
      ? { format: info.format, compression: info.compression, levels: info.levels.length }
      : {}),
    source:
      fromHeader && fromDescriptor
        ? 'header+descriptor'
        : fromHeader
          ? 'header'
          : fromDescriptor
            ? 'descriptor'
            : 'none',
  };
}
