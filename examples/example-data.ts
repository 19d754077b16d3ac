import type { AnnotationObject, CanonicalRecord, Point, Ring } from '../src/model/types.js';
import { seededRandom } from '../src/util/random.js';

/**
 * The objects of the example data set, drawn from a fixed seed: tissue outlines, tumour
 * regions, cells with nuclei and mitotic-figure spots voted on by two pathologists.
 */
export interface ExampleSlide {
  file: string;
  format: string;
  annotationFile: string;
  width: number;
  height: number;
  tissue: Ring[];
  tumour: Ring[];
  nuclei: [number, number, number][];
}

/** An irregular blob around (cx, cy), rounded to 2 decimals as annotation tools write. */
function blob(next: () => number, cx: number, cy: number, radius: number, vertices = 24): Ring {
  const ring: Ring = [];
  for (let i = 0; i < vertices; i++) {
    const angle = (2 * Math.PI * i) / vertices;
    const r = radius * (0.75 + 0.35 * next());
    ring.push([round(cx + r * Math.cos(angle)), round(cy + r * Math.sin(angle))]);
  }
  return ring;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function makeSlide(n: number, format: string, extension: string): ExampleSlide {
  const next = seededRandom(1000 + n);
  const width = 1536;
  const height = 1152;
  const tissue = [blob(next, width * 0.45, height * 0.5, 420, 32)];
  const tumour = [blob(next, width * 0.4, height * 0.45, 190)];
  const nuclei: [number, number, number][] = [];
  for (let i = 0; i < 900; i++) {
    const inTumour = i < 300;
    const [cx, cy, spread] = inTumour
      ? [width * 0.4, height * 0.45, 170]
      : [width * 0.45, height * 0.5, 380];
    const angle = 2 * Math.PI * next();
    const distance = spread * Math.sqrt(next());
    nuclei.push([
      round(cx + distance * Math.cos(angle)),
      round(cy + distance * Math.sin(angle)),
      round(inTumour ? 6 + 3 * next() : 4 + 2 * next()),
    ]);
  }
  const file = `case0${n}-${String.fromCharCode(64 + n)}.tiff`;
  const stem = file.replace('.tiff', '');
  return {
    file,
    format,
    annotationFile: `${stem}${extension}`,
    width,
    height,
    tissue,
    tumour,
    nuclei,
  };
}

export const exampleSlides: ExampleSlide[] = [
  makeSlide(1, 'qupath-geojson', '.geojson'),
  makeSlide(2, 'asap-xml', '.xml'),
  makeSlide(3, 'imagescope-xml', '.xml'),
  makeSlide(4, 'sliderunner-sqlite', '.sqlite'),
  makeSlide(5, 'coco', '.json'),
];

const CLASS_COLORS: Record<string, [number, number, number]> = {
  Tissue: [80, 160, 80],
  Tumor: [200, 0, 0],
  'Immune cells': [160, 90, 255],
  'Tumor cells': [255, 120, 0],
  'mitotic figure': [255, 0, 0],
  'non-mitotic figure': [0, 120, 255],
};

/** All records of one slide's annotation file, dictionaries first. */
export function recordsFor(slide: ExampleSlide, mpp: number): CanonicalRecord[] {
  const objects =
    slide.format === 'sliderunner-sqlite' || slide.format === 'coco'
      ? mitoses(slide)
      : regionsAndCells(slide);
  const used = new Set(objects.flatMap((o) => [o.class, ...(o.labels ?? []).map((l) => l.class)]));
  const records: CanonicalRecord[] = [
    { type: 'dataset', schema: 'slidepack.canonical/1', name: 'slidepack example', sources: [] },
    {
      type: 'slide',
      id: slide.file,
      name: slide.file,
      width: slide.width,
      height: slide.height,
      mpp: { x: mpp, y: mpp, source: 'slide' },
      frame: { origin: 'full-frame', pixelConvention: 'corner' },
    },
  ];
  for (const [name, rgb] of Object.entries(CLASS_COLORS)) {
    if (used.has(name))
      records.push({ type: 'class', id: name, name, path: [name], color: { rgba: [...rgb, 1] } });
  }
  if (objects.some((o) => o.labels)) {
    for (const name of ['expert 1', 'expert 2']) {
      records.push({ type: 'annotator', id: name, name, kind: 'person' });
    }
  }
  return [...records, ...objects];
}

function base(slide: ExampleSlide, id: string, cls: string): AnnotationObject {
  return { type: 'object', id, slide: slide.file, kind: 'annotation', class: cls, geometry: null };
}

/** Tissue and tumour outlines plus a few dozen cells with nuclei and measurements. */
function regionsAndCells(slide: ExampleSlide): AnnotationObject[] {
  const out: AnnotationObject[] = [
    { ...base(slide, 'tissue-1', 'Tissue'), geometry: { type: 'polygon', rings: slide.tissue } },
    { ...base(slide, 'tumour-1', 'Tumor'), geometry: { type: 'polygon', rings: slide.tumour } },
  ];
  for (const [i, [x, y, r]] of slide.nuclei.slice(0, 40).entries()) {
    const cls = i < 25 ? 'Tumor cells' : 'Immune cells';
    out.push({
      ...base(slide, `cell-${i + 1}`, cls),
      geometry: { type: 'polygon', rings: [circle(x, y, r * 2.2, 12)] },
      measurements: {
        'Nucleus: Area µm^2': round(Math.PI * r * r * 0.25),
        'Cell: Eosin OD mean': round(0.2 + (i % 7) / 20),
      },
    });
  }
  return out;
}

/** Mitotic-figure candidates as spots, each voted on by two pathologists. */
function mitoses(slide: ExampleSlide): AnnotationObject[] {
  return slide.nuclei.slice(0, 60).map(([x, y], i) => {
    const first = i % 3 === 0 ? 'mitotic figure' : 'non-mitotic figure';
    const second = i % 9 === 0 ? 'non-mitotic figure' : first;
    return {
      ...base(slide, `spot-${i + 1}`, first),
      geometry: { type: 'point', coordinates: [x, y] as Point },
      labels: [
        { annotator: 'expert 1', class: first },
        { annotator: 'expert 2', class: second },
      ],
    };
  });
}

function circle(cx: number, cy: number, r: number, vertices: number): Ring {
  return Array.from({ length: vertices }, (_, k): Point => {
    const angle = (2 * Math.PI * k) / vertices;
    return [round(cx + r * Math.cos(angle)), round(cy + r * Math.sin(angle))];
  });
}
