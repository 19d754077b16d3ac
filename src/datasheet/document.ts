/** The datasheet as neutral blocks; `markdown.ts` and `html.ts` each render them. */
export type Block =
  | { kind: 'fields'; rows: FieldRow[] }
  | { kind: 'table'; caption: string; header: string[]; rows: (string | number)[][] }
  | { kind: 'chart'; caption: string; svg: string }
  | { kind: 'images'; caption: string; items: { label: string; dataUri: string }[] }
  | { kind: 'notes'; tone: 'ok' | 'warn' | 'error'; items: string[] };

/** One answered (or unanswered) field: label, answer, and whether it was measured. */
export interface FieldRow {
  label: string;
  value: string;
  measured?: boolean;
}

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface DatasheetDocument {
  title: string;
  subtitle: string;
  generated: string;
  sections: Section[];
}
