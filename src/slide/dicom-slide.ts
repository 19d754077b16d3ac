import { InputError } from '../errors.js';
import { DICOM_TAG, type DicomInstance, dicomNumber, dicomString } from './dicom.js';
import type { AssociatedImage, SlideLevel } from './info.js';
import { downsample, type TiffSlide } from './tiff-slide.js';

/**
 * A DICOM whole-slide image is a series of instances: VOLUME instances are the pyramid levels,
 * THUMBNAIL, LABEL and OVERVIEW instances are associated images (DICOM PS3.3 C.8.12.4).
 */

const TRANSFER_SYNTAX: Record<string, string> = {
  '1.2.840.10008.1.2': 'none',
  '1.2.840.10008.1.2.1': 'none',
  '1.2.840.10008.1.2.5': 'rle',
  '1.2.840.10008.1.2.4.50': 'jpeg',
  '1.2.840.10008.1.2.4.51': 'jpeg',
  '1.2.840.10008.1.2.4.57': 'jpeg-lossless',
  '1.2.840.10008.1.2.4.70': 'jpeg-lossless',
  '1.2.840.10008.1.2.4.80': 'jpeg-ls',
  '1.2.840.10008.1.2.4.81': 'jpeg-ls',
  '1.2.840.10008.1.2.4.90': 'jpeg2000',
  '1.2.840.10008.1.2.4.91': 'jpeg2000',
  '1.2.840.10008.1.2.4.201': 'htj2k',
  '1.2.840.10008.1.2.4.202': 'htj2k',
  '1.2.840.10008.1.2.4.203': 'htj2k',
};

const ASSOCIATED: Record<string, AssociatedImage['kind']> = {
  THUMBNAIL: 'thumbnail',
  LABEL: 'label',
  OVERVIEW: 'macro',
};

const WSI_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.77.1.6';

/** The compression a DICOM transfer syntax stands for; unknown syntaxes fail the file. */
export function transferSyntaxName(instance: DicomInstance): string {
  const name = TRANSFER_SYNTAX[instance.transferSyntax];
  if (!name) {
    throw new InputError(`unknown transfer syntax "${instance.transferSyntax}"`, instance.path);
  }
  return name;
}

/** The third value of ImageType: VOLUME, THUMBNAIL, LABEL or OVERVIEW. */
export function imageFlavour(instance: DicomInstance): string {
  return (dicomString(instance, DICOM_TAG.imageType) ?? '').split('\\')[2]?.trim() ?? '';
}

/** Full image size: TotalPixelMatrix for tiled instances, Columns × Rows otherwise. */
export function instanceSize(instance: DicomInstance): { width: number; height: number } {
  const width =
    dicomNumber(instance, DICOM_TAG.totalColumns) ?? dicomNumber(instance, DICOM_TAG.columns);
  const height =
    dicomNumber(instance, DICOM_TAG.totalRows) ?? dicomNumber(instance, DICOM_TAG.rows);
  return { width: width ?? 0, height: height ?? 0 };
}

/** Interpret the instances of one series (already read) as a slide. */
export function interpretDicom(instances: DicomInstance[], path: string): TiffSlide {
  for (const instance of instances) transferSyntaxName(instance);
  const volumes = instances
    .filter((i) => imageFlavour(i) === 'VOLUME' || imageFlavour(i) === '')
    .sort((a, b) => instanceSize(b).width - instanceSize(a).width);
  if (volumes.length === 0) {
    const kinds = [...new Set(instances.map(imageFlavour))].join(', ');
    throw new InputError(
      `no VOLUME image here, only ${kinds}; give the folder that holds the whole series`,
      path,
    );
  }
  const level0 = volumes[0]!;
  const slide: TiffSlide = {
    format: 'dicom',
    ...instanceSize(level0),
    levels: dicomLevels(volumes),
    compression: transferSyntaxName(level0),
    associatedImages: associatedImages(instances),
    properties: dicomProperties(level0, instances.length),
  };
  // PixelSpacing is row spacing \ column spacing, in millimetres.
  const y = dicomNumber(level0, DICOM_TAG.pixelSpacing, 0);
  const x = dicomNumber(level0, DICOM_TAG.pixelSpacing, 1);
  if (x && y) slide.mpp = { x: x * 1000, y: y * 1000 };
  const power = dicomNumber(level0, DICOM_TAG.objectivePower);
  if (power) slide.objectivePower = power;
  const vendor = dicomString(level0, DICOM_TAG.manufacturer);
  if (vendor) slide.vendor = vendor;
  const model = dicomString(level0, DICOM_TAG.modelName);
  if (model) slide.scanner = model;
  return slide;
}

/** One level per distinct size; further focal planes or optical paths share a level. */
function dicomLevels(volumes: DicomInstance[]): SlideLevel[] {
  const base = instanceSize(volumes[0]!);
  const levels = new Map<string, SlideLevel>();
  for (const instance of volumes) {
    const { width, height } = instanceSize(instance);
    const key = `${width}x${height}`;
    if (levels.has(key)) continue;
    const level: SlideLevel = { width, height, downsample: downsample(base, width, height) };
    const tileWidth = dicomNumber(instance, DICOM_TAG.columns);
    const tileHeight = dicomNumber(instance, DICOM_TAG.rows);
    if (tileWidth) level.tileWidth = tileWidth;
    if (tileHeight) level.tileHeight = tileHeight;
    level.source = { file: instance.path };
    levels.set(key, level);
  }
  return [...levels.values()];
}

function associatedImages(instances: DicomInstance[]): AssociatedImage[] {
  const images: AssociatedImage[] = [];
  for (const instance of instances) {
    const kind = ASSOCIATED[imageFlavour(instance)];
    if (!kind) continue;
    const source = { file: instance.path };
    images.push({ kind, ...instanceSize(instance), mayIdentifyPatient: true, source });
  }
  return images;
}

function dicomProperties(level0: DicomInstance, count: number): Record<string, string> {
  const props: Record<string, string> = { 'dicom.instances': String(count) };
  const keys: [string, string][] = [
    [DICOM_TAG.sopClass, 'dicom.SOPClassUID'],
    [DICOM_TAG.seriesUid, 'dicom.SeriesInstanceUID'],
    [DICOM_TAG.manufacturer, 'dicom.Manufacturer'],
    [DICOM_TAG.modelName, 'dicom.ManufacturerModelName'],
    [DICOM_TAG.imageType, 'dicom.ImageType'],
    [DICOM_TAG.transferSyntax, 'dicom.TransferSyntaxUID'],
    [DICOM_TAG.pixelSpacing, 'dicom.PixelSpacing'],
    [DICOM_TAG.dimensionOrganization, 'dicom.DimensionOrganizationType'],
  ];
  for (const [tag, key] of keys) {
    const value = dicomString(level0, tag);
    if (value) props[key] = value;
  }
  if (dicomString(level0, DICOM_TAG.sopClass) !== WSI_SOP_CLASS) {
    props['dicom.note'] = 'not the VL Whole Slide Microscopy Image SOP class';
  }
  if (dicomString(level0, DICOM_TAG.patientName)) props['dicom.PatientName'] = '(present)';
  return props;
}
