/**
 * Which QuPath version wrote a file, from the signals in formats.md §6.2. Readers accept every
 * style whatever the verdict; the version only goes into the provenance and `slidepack detect`.
 */
export interface VersionSignals {
  /** `id` is a Java class name such as "PathAnnotationObject" (0.2). */
  legacyId: boolean;
  /** `properties.object_type` (0.3). */
  snakeType: boolean;
  /** `properties.objectType` (0.4+). */
  camelType: boolean;
  uuid: boolean;
  colorRGB: boolean;
  colorArray: boolean;
  names: boolean;
  isEllipse: boolean;
  measurementList: boolean;
  measurementMap: boolean;
  /** Bare NaN/Infinity tokens (≤0.4). */
  bareNonFinite: boolean;
  /** "NaN"/"Infinity" strings as measurement values (0.5+). */
  stringNonFinite: boolean;
  /** `metadata` written twice in one object (0.5+). */
  duplicateMetadata: boolean;
}

export function noSignals(): VersionSignals {
  return {
    legacyId: false,
    snakeType: false,
    camelType: false,
    uuid: false,
    colorRGB: false,
    colorArray: false,
    names: false,
    isEllipse: false,
    measurementList: false,
    measurementMap: false,
    bareNonFinite: false,
    stringNonFinite: false,
    duplicateMetadata: false,
  };
}

/** The version style: "0.2", "0.3", "0.4", "0.4+", "0.5+", or undefined with no signal. */
export function versionOf(s: VersionSignals): string | undefined {
  if (s.legacyId) return '0.2';
  const modern = s.camelType || s.uuid;
  if (s.snakeType || (!modern && (s.colorRGB || s.measurementList))) return '0.3';
  if (s.stringNonFinite || s.duplicateMetadata) return '0.5+';
  if (s.bareNonFinite) return '0.4';
  if (modern || s.colorArray || s.names || s.isEllipse || s.measurementMap) return '0.4+';
  return undefined;
}

/** True once the verdict cannot change any more by looking at further features. */
export function versionSettled(s: VersionSignals): boolean {
  return s.legacyId || s.snakeType || s.stringNonFinite || s.duplicateMetadata || s.bareNonFinite;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return value.length === 36 && UUID.test(value);
}

/** The Java class names QuPath 0.2 wrote as `id`, and the object kind each means. */
export const LEGACY_IDS = {
  PathAnnotationObject: 'annotation',
  PathDetectionObject: 'detection',
  PathCellObject: 'cell',
  PathTileObject: 'tile',
  TMACoreObject: 'tmaCore',
  PathRootObject: 'root',
} as const;

export type LegacyId = keyof typeof LEGACY_IDS;

export function isLegacyId(value: unknown): value is LegacyId {
  return typeof value === 'string' && Object.hasOwn(LEGACY_IDS, value);
}

/** Signals visible in the first bytes of a file, for sniffing without parsing. */
export function signalsInText(text: string): VersionSignals {
  const s = noSignals();
  s.legacyId = /"id"\s*:\s*"(Path\w+Object|TMACoreObject)"/.test(text);
  s.snakeType = text.includes('"object_type"');
  s.camelType = text.includes('"objectType"');
  s.uuid = /"id"\s*:\s*"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-/.test(text);
  s.colorRGB = text.includes('"colorRGB"');
  s.names = /"names"\s*:\s*\[/.test(text);
  s.isEllipse = text.includes('"isEllipse"');
  s.measurementList = /"measurements"\s*:\s*\[/.test(text);
  s.measurementMap = /"measurements"\s*:\s*\{/.test(text);
  s.bareNonFinite = /[:[,]\s*-?(NaN|Infinity)\s*[,}\]]/.test(text);
  s.stringNonFinite = /:\s*"(NaN|-?Infinity)"/.test(text);
  return s;
}
