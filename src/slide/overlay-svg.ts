import { InputError } from '../errors.js';
import { ellipseRing, rectangleRing, splineRing } from '../geometry/shapes.js';
import type { AnnotationSet } from '../model/collect.js';
import type { Geometry, Point, Slide } from '../model/types.js';
import type { SlideInfo } from './info.js';
import { sameSlide } from './match.js';

/** Colours for classes that carry none (Tableau 10). */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const NO_CLASS = '(no class)';

/** The slide of a set to draw on this slide image: by id, by name, or the only one. */
export function pickSlide(set: AnnotationSet, info: SlideInfo, slideId?: string): string {
  if (slideId !== undefined) {
    if (set.slides.has(slideId) || set.objects.some((o) => o.slide === slideId)) return slideId;
    throw new InputError(`the annotations have no slide "${slideId}"`, info.path);
  }
  const ids = new Set([...set.slides.keys(), ...set.objects.map((o) => o.slide)]);
  const named = [...ids].filter((id) =>
    sameSlide(set.slides.get(id) ?? { id, name: id }, info.file),
  );
  if (named.length === 1) return named[0]!;
  if (ids.size === 1) return [...ids][0]!;
  throw new InputError(
    `cannot tell which of the annotations' slides (${[...ids].slice(0, 5).join(', ')}) this ` +
      'slide is; give --slide-id',
    info.path,
  );
}

/** An SVG of one slide's annotations scaled to the output size, with a legend of classes. */
export function overlaySvg(
  set: AnnotationSet,
  slideId: string,
  info: SlideInfo,
  size: { width: number; height: number },
): string {
  const slide = set.slides.get(slideId);
  const transform = toOutput(slide, info, size);
  const colours = classColours(set);
  const counts = new Map<string, number>();
  const shapes: string[] = [];
  for (const object of set.objects) {
    if (object.slide !== slideId || !object.geometry || object.flags?.deleted) continue;
    const name = object.class ?? NO_CLASS;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    shapes.push(shape(object.geometry, transform, colours.get(name) ?? '#888888'));
  }
  const legend = legendSvg(counts, colours, set);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}">` +
    `${shapes.join('')}${legend}</svg>`
  );
}

type Transform = (p: Point) => Point;

/** Level-0 coordinates (plus the frame's bounds offset) to output pixels. */
function toOutput(
  slide: Slide | undefined,
  info: SlideInfo,
  size: { width: number; height: number },
) {
  const sx = size.width / info.width;
  const sy = size.height / info.height;
  const frame = slide?.frame;
  const dx = frame?.origin === 'bounds-cropped' ? (frame.boundsX ?? 0) : 0;
  const dy = frame?.origin === 'bounds-cropped' ? (frame.boundsY ?? 0) : 0;
  return ([x, y]: Point): Point => [(x + dx) * sx, (y + dy) * sy];
}

function classColours(set: AnnotationSet): Map<string, string> {
  const colours = new Map<string, string>();
  let next = 0;
  const ids = [...set.classes.keys(), ...set.objects.map((o) => o.class ?? NO_CLASS)];
  for (const id of ids) {
    if (colours.has(id)) continue;
    const rgba = set.classes.get(id)?.color?.rgba;
    const hex = rgba
      ? `#${rgba
          .slice(0, 3)
          .map((c) => c.toString(16).padStart(2, '0'))
          .join('')}`
      : undefined;
    colours.set(id, id === NO_CLASS ? '#888888' : (hex ?? PALETTE[next++ % PALETTE.length]!));
  }
  return colours;
}

function path(rings: Point[][], t: Transform): string {
  return rings
    .map(
      (ring) =>
        `M${ring
          .map((p) =>
            t(p)
              .map((v) => v.toFixed(1))
              .join(' '),
          )
          .join('L')}Z`,
    )
    .join('');
}

function shape(geometry: Geometry, t: Transform, colour: string): string {
  const area = `fill="${colour}" fill-opacity="0.25" stroke="${colour}" stroke-width="1.5"`;
  const polygon = (rings: Point[][]) => `<path d="${path(rings, t)}" fill-rule="evenodd" ${area}/>`;
  switch (geometry.type) {
    case 'point':
      return dot(t(geometry.coordinates), colour);
    case 'multipoint':
      return geometry.coordinates.map((p) => dot(t(p), colour)).join('');
    case 'line': {
      const points = geometry.coordinates.map((p) =>
        t(p)
          .map((v) => v.toFixed(1))
          .join(','),
      );
      const line = `fill="none" stroke="${colour}" stroke-width="1.5"`;
      return `<polyline points="${points.join(' ')}" ${line}/>`;
    }
    case 'polygon':
      return polygon(geometry.rings);
    case 'multipolygon':
      return polygon(geometry.polygons.flat());
    case 'rectangle':
      return polygon([rectangleRing(geometry)]);
    case 'ellipse':
      return polygon([ellipseRing(geometry)]);
    case 'spline':
      return polygon([splineRing(geometry)]);
    case 'mask':
      // LIMITATION: masks are drawn as their bounding box, not their pixels.
      return polygon([rectangleRing({ ...geometry, type: 'rectangle' })]);
  }
}

function dot([x, y]: Point, colour: string): string {
  const style = `r="3" fill="${colour}" stroke="#ffffff" stroke-width="0.8"`;
  return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" ${style}/>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function legendSvg(counts: Map<string, number>, colours: Map<string, string>, set: AnnotationSet) {
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return '';
  const label = (id: string) => set.classes.get(id)?.name ?? id;
  const width = 30 + 7 * Math.max(...rows.map(([id, n]) => `${label(id)} (${n})`.length));
  const items = rows.map(([id, n], i) => {
    const y = 8 + i * 16;
    return (
      `<rect x="8" y="${y}" width="12" height="12" fill="${colours.get(id)}"/>` +
      `<text x="26" y="${y + 10}" font-family="DejaVu Sans, sans-serif" font-size="11">` +
      `${escapeXml(label(id))} (${n})</text>`
    );
  });
  return (
    `<rect x="2" y="2" width="${width}" height="${12 + rows.length * 16}" fill="#ffffff" ` +
    `fill-opacity="0.85" stroke="#333333" stroke-width="0.5"/>${items.join('')}`
  );
}
