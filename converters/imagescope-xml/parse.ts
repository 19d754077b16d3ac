import { type XmlCursor, type XmlVisitor, streamXml } from '../../src/io/xml.js';

/**
 * ImageScope XML as raw elements. Layers (`Annotation`) and regions are emitted with their
 * attributes verbatim; every other element (layer `Attributes`, `RegionAttributeHeaders`,
 * `Plots`, region `Attributes`) is kept as a small tree so a writer can repeat it.
 */
export interface XmlTree {
  name: string;
  attributes: Record<string, string>;
  children: XmlTree[];
}

export interface RawVertex {
  x: string | undefined;
  y: string | undefined;
  z: string | undefined;
  line: number;
}

export interface RawRegion {
  /** Position among all regions of the file, from 0. */
  index: number;
  layer: number;
  line: number;
  attributes: Record<string, string>;
  children: XmlTree[];
  vertices: RawVertex[];
}

export interface RawLayer {
  /** Position among the layers, from 0. */
  index: number;
  line: number;
  attributes: Record<string, string>;
  /** Children in order; `Regions` holds its non-region children (the attribute headers). */
  children: XmlTree[];
}

export type ImageScopeItem =
  | { kind: 'root'; attributes: Record<string, string>; line: number }
  | { kind: 'layer'; value: RawLayer }
  | { kind: 'region'; value: RawRegion };

/** A visitor for {@link streamXml}; layers are emitted when they close, regions as they close. */
function imagescopeVisitor(cursor: XmlCursor): XmlVisitor<ImageScopeItem> {
  const stack: string[] = [];
  /** For each open element, the tree it is kept as (undefined for those read as data). */
  const trees: (XmlTree | undefined)[] = [];
  let layer: RawLayer | undefined;
  let region: RawRegion | undefined;
  let layers = 0;
  let regions = 0;

  const data = (name: string, depth: number): boolean => {
    if (depth === 0 || (depth === 1 && name === 'Annotation')) return true;
    if (depth === 3 && name === 'Region' && stack[2] === 'Regions') return true;
    return region !== undefined && depth >= 4 && (name === 'Vertices' || name === 'Vertex');
  };

  return {
    open(name, attributes, emit) {
      const depth = stack.length;
      stack.push(name);
      if (!data(name, depth)) return keep(name, attributes, depth);
      trees.push(undefined);
      const line = cursor.place().line;
      if (depth === 0) emit({ kind: 'root', attributes, line });
      else if (depth === 1) layer = { index: layers++, line, attributes, children: [] };
      else if (depth === 3 && layer) {
        const at = { index: regions++, layer: layer.index, line, attributes };
        region = { ...at, children: [], vertices: [] };
      } else if (name === 'Vertex' && region) {
        region.vertices.push({ x: attributes.X, y: attributes.Y, z: attributes.Z, line });
      }
    },
    close(name, emit) {
      const depth = stack.length - 1;
      stack.pop();
      trees.pop();
      if (region && depth === 3 && name === 'Region') {
        emit({ kind: 'region', value: region });
        region = undefined;
      } else if (layer && depth === 1) {
        emit({ kind: 'layer', value: layer });
        layer = undefined;
      }
    },
  };

  function keep(name: string, attributes: Record<string, string>, depth: number): void {
    const tree: XmlTree = { name, attributes, children: [] };
    const parent = trees[trees.length - 1];
    if (parent) parent.children.push(tree);
    else if (region && depth === 4) region.children.push(tree);
    else if (layer && depth === 2) layer.children.push(tree);
    trees.push(tree);
  }
}

/** Stream the raw root, layers and regions of an ImageScope file. */
export function streamImageScope(file: string): AsyncGenerator<ImageScopeItem> {
  return streamXml<ImageScopeItem>(file, (cursor) => imagescopeVisitor(cursor));
}
