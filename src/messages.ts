/**
 * Data problems, collected rather than thrown so one run reports all of them. Each names the
 * file, the place inside it (feature index, JSON pointer, XML line, table row), a rule id and
 * what was expected.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Message {
  severity: Severity;
  ruleId: string;
  message: string;
  file?: string;
  place?: string;
  expected?: string;
  actual?: string;
}

/** Collects messages for one run; converters and checks receive one and add to it. */
export class Messages {
  readonly list: Message[] = [];
  private readonly perRule = new Map<string, number>();

  /** At most this many messages per rule id are kept; the rest are only counted. */
  constructor(readonly keepPerRule = 200) {}

  add(message: Message): void {
    const key = `${message.severity}:${message.ruleId}`;
    const seen = (this.perRule.get(key) ?? 0) + 1;
    this.perRule.set(key, seen);
    if (seen <= this.keepPerRule) this.list.push(message);
  }

  error(ruleId: string, message: string, where: Where = {}): void {
    this.add({ severity: 'error', ruleId, message, ...where });
  }

  warn(ruleId: string, message: string, where: Where = {}): void {
    this.add({ severity: 'warning', ruleId, message, ...where });
  }

  info(ruleId: string, message: string, where: Where = {}): void {
    this.add({ severity: 'info', ruleId, message, ...where });
  }

  count(severity: Severity): number {
    let total = 0;
    for (const [key, n] of this.perRule) if (key.startsWith(`${severity}:`)) total += n;
    return total;
  }

  get hasErrors(): boolean {
    return this.count('error') > 0;
  }

  /** Messages kept beyond the per-rule cap, as `{ruleId: dropped}`. */
  omitted(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, n] of this.perRule) {
      if (n > this.keepPerRule) out[key] = n - this.keepPerRule;
    }
    return out;
  }
}

export type Where = Pick<Message, 'file' | 'place' | 'expected' | 'actual'>;

/** One line for a terminal: `file (place): severity message [rule]`. */
export function formatMessage(m: Message): string {
  const place = m.place ? `(${m.place})` : '';
  const where = m.file || place ? `${[m.file, place].filter(Boolean).join(' ')}: ` : '';
  const detail = [
    m.expected === undefined ? '' : `expected ${m.expected}`,
    m.actual === undefined ? '' : `got ${m.actual}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${where}${m.severity} ${m.message}${detail ? ` (${detail})` : ''} [${m.ruleId}]`;
}
