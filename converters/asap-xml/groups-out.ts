import type { WriteContext } from '../../src/converter.js';
import { attributeText } from '../../src/io/xml.js';
import { parseHexColor, toHex } from '../../src/model/color.js';
import type { AnnotationClass, AnnotationObject, Color, Group } from '../../src/model/types.js';
import { ASAP_DEFAULT_COLOR } from './format.js';

interface GroupOut {
  name: string;
  parent?: string;
  color?: Color;
  attributes?: Record<string, string>;
  extras: { attributes?: Record<string, string>; color?: string; tag?: string };
}

/** An XML name ASAP can use as a group attribute key. */
const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * The groups of the ASAP file being written. Group records keep their names (made unique), each
 * class becomes a group of its name unless a group has it already, and the exclusion group for
 * holes is added when used. Every `PartOfGroup` written is one of these, so ASAP opens the file.
 */
export class AsapGroups {
  private readonly byId = new Map<string, GroupOut>();
  private readonly byName = new Map<string, GroupOut>();
  private readonly classGroups = new Map<string, string>();
  /** Names taken by group records (class groups only hold a name until a record takes it). */
  private readonly recordNames = new Set<string>();

  constructor(private readonly exclusionName: string) {}

  addGroup(group: Group): void {
    const extras = (group.extras?.['asap-xml'] ?? {}) as GroupOut['extras'];
    const out: GroupOut = { name: this.unique(group.name, group.id), extras };
    this.recordNames.add(out.name);
    if (group.parent !== undefined) out.parent = group.parent;
    if (group.color) out.color = group.color;
    if (group.attributes) out.attributes = group.attributes;
    this.byId.set(group.id, out);
    this.byName.set(out.name, out);
  }

  addClass(cls: AnnotationClass): void {
    const name = cls.path.length > 0 ? cls.path.join(': ') : cls.name;
    this.classGroups.set(cls.id, name);
    if (!this.byName.has(name)) {
      this.byName.set(name, { name, ...(cls.color ? { color: cls.color } : {}), extras: {} });
    }
  }

  private unique(name: string, id: string): string {
    const base = name === 'None' || name === '' ? `${name || 'group'} (${id})` : name;
    return this.recordNames.has(base) ? `${base} (${id})` : base;
  }

  /** The `PartOfGroup` of an object: its group, else its class, else "None". */
  groupOf(object: AnnotationObject): string {
    if (object.group !== undefined) {
      const known = this.byId.get(object.group);
      if (known) return known.name;
      return this.ensure(object.group);
    }
    if (object.class !== undefined)
      return this.ensure(this.classGroups.get(object.class) ?? object.class);
    if (object.flags?.negative) return this.exclusionGroup();
    return 'None';
  }

  /** The group that holds holes and negative regions, created on first use. */
  exclusionGroup(): string {
    return this.ensure(this.exclusionName);
  }

  private ensure(name: string): string {
    if (!this.byName.has(name)) this.byName.set(name, { name, extras: {} });
    return name;
  }

  /** How to spell a colour: the source's own hex text when it still matches, else `#RRGGBB`. */
  colorText(color: Color): string {
    const source = color.source;
    if (source?.form === 'hex' && typeof source.value === 'string') {
      const again = parseHexColor(source.value);
      if (again && toHex(again) === toHex(color)) return source.value;
    }
    return toHex(color).toUpperCase();
  }

  /** The `AnnotationGroups` element with every group. */
  xml(context: WriteContext): string {
    let text = '\t<AnnotationGroups>\n';
    for (const group of this.byName.values()) text += this.groupXml(group, context);
    return `${text}\t</AnnotationGroups>\n`;
  }

  private groupXml(group: GroupOut, context: WriteContext): string {
    const parent = group.parent === undefined ? undefined : this.byId.get(group.parent)?.name;
    const attributes: Record<string, string> = { Name: group.name, PartOfGroup: parent ?? 'None' };
    // Like ASAP's own writer, every group has a Color (its default where none is known).
    const color = group.color ? this.colorText(group.color) : group.extras.color;
    attributes.Color = color ?? ASAP_DEFAULT_COLOR;
    Object.assign(attributes, group.extras.attributes);
    const tag = group.extras.tag ?? 'Group';
    const pairs = Object.entries(group.attributes ?? {}).filter(([key]) => {
      if (XML_NAME.test(key)) return true;
      context.loss.add('METADATA_DROPPED', `group ${group.name}`, { attribute: key });
      return false;
    });
    const inner = pairs.length
      ? `\t\t\t<Attributes>\n${pairs.map(attributeLine).join('')}\t\t\t</Attributes>\n`
      : '\t\t\t<Attributes />\n';
    return `\t\t<${tag} ${attributeText(attributes)}>\n${inner}\t\t</${tag}>\n`;
  }
}

function attributeLine([key, value]: [string, string]): string {
  return `\t\t\t\t<Attribute ${attributeText({ [key]: value })} />\n`;
}
