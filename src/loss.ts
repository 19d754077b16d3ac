import { LOSS_CODES, type LossCode } from './loss-codes.js';

/**
 * The loss report: what a target format could not hold, counted per reason code with example
 * object ids. Every conversion fills one; `--report` writes it as JSON and `--strict` turns any
 * entry into exit 1.
 */
export interface LossEntry {
  code: string;
  /** What happened to the objects: dropped, approximated (changed shape), or only noted. */
  effect: 'dropped' | 'approximated' | 'field-lost' | 'noted';
  count: number;
  examples: string[];
  description: string;
  params?: Record<string, unknown>;
}

export interface LossReportJson {
  source: string[];
  target: string;
  objectsRead: number;
  objectsWritten: number;
  losses: LossEntry[];
}

const EXAMPLES_KEPT = 5;

export class LossReport {
  private readonly entries = new Map<string, LossEntry>();
  objectsRead = 0;
  objectsWritten = 0;

  constructor(
    readonly target: string,
    readonly source: string[] = [],
  ) {}

  /** Record one object (or one field of it) the target could not hold as it was. */
  add(code: LossCode, objectId?: string, params?: Record<string, unknown>): void {
    let entry = this.entries.get(code);
    if (!entry) {
      const { effect, description } = LOSS_CODES[code];
      entry = { code, effect, count: 0, examples: [], description };
      if (params) entry.params = params;
      this.entries.set(code, entry);
    }
    entry.count += 1;
    if (objectId !== undefined && entry.examples.length < EXAMPLES_KEPT) {
      entry.examples.push(objectId);
    }
  }

  get empty(): boolean {
    return this.entries.size === 0;
  }

  get lossy(): boolean {
    for (const e of this.entries.values()) if (e.effect !== 'noted') return true;
    return false;
  }

  entriesList(): LossEntry[] {
    return [...this.entries.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  toJSON(): LossReportJson {
    return {
      source: this.source,
      target: this.target,
      objectsRead: this.objectsRead,
      objectsWritten: this.objectsWritten,
      losses: this.entriesList(),
    };
  }

  /** One line for stderr, e.g. `12 objects read, 10 written; HOLES_DROPPED 2, …`. */
  summary(): string {
    const head = `${this.objectsRead} objects read, ${this.objectsWritten} written`;
    const parts = this.entriesList().map((e) => `${e.code} ${e.count}`);
    return parts.length ? `${head}; losses: ${parts.join(', ')}` : `${head}; nothing lost`;
  }
}
