import type Database from 'better-sqlite3';

export type Value = number | string | null;

/** One table's INSERT: its columns and the SQL expression each value goes through. */
export interface InsertSpec {
  table: string;
  columns: string[];
  /** `?`, or an expression of it such as `coalesce(?, generate_uuid())`. */
  values: string[];
}

/** The INSERT for `rows` rows at once; OR IGNORE so a taken uid can be detected, not fatal. */
export function insertSql(spec: InsertSpec, rows = 1): string {
  const tuple = `(${spec.values.join(', ')})`;
  const head = `INSERT OR IGNORE INTO ${spec.table} (${spec.columns.join(', ')}) VALUES `;
  return head + Array.from({ length: rows }, () => tuple).join(', ');
}

const ROWS_PER_STATEMENT = 64;

/**
 * Rows collected and inserted many per statement: one call into SQLite per 64 rows instead of
 * one per row is what makes the writer faster than Python's executemany.
 */
export class BatchedInsert {
  private values: Value[] = [];
  private rows = 0;
  private readonly full: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: InsertSpec,
  ) {
    this.full = db.prepare(insertSql(spec, ROWS_PER_STATEMENT));
  }

  add(...row: Value[]): void {
    for (const value of row) this.values.push(value);
    this.rows += 1;
    if (this.rows === ROWS_PER_STATEMENT) this.flush();
  }

  flush(): void {
    if (this.rows === 0) return;
    const statement =
      this.rows === ROWS_PER_STATEMENT
        ? this.full
        : this.db.prepare(insertSql(this.spec, this.rows));
    statement.run(this.values);
    this.values = [];
    this.rows = 0;
  }
}

/**
 * Hands out uids the way AUTOINCREMENT would (one more than the largest so far), so rows can be
 * batched without asking SQLite for each new id. A preferred uid above every uid so far is
 * surely free; one below needs a check against the table.
 */
export class UidCounter {
  private largest = 0;

  /** The uid to use, or undefined when the preferred one must be checked first. */
  next(preferred: number | null): number | undefined {
    if (preferred === null || !Number.isInteger(preferred) || preferred <= 0) {
      this.largest += 1;
      return this.largest;
    }
    if (preferred > this.largest) {
      this.largest = preferred;
      return preferred;
    }
    return undefined;
  }
}
