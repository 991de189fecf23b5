/**
 * A tiny builder for the WHERE clause of read queries: each condition takes its values as bind
 * parameters, so no caller text ever reaches the SQL string.
 */
export class SqlFilter {
  private readonly conditions: string[] = [];
  readonly values: unknown[] = [];

  /** Adds `sql`, where `$?` placeholders are numbered in order from the values given. */
  add(sql: string, ...values: unknown[]): this {
    let i = 0;
    const numbered = sql.replace(/\$\?/g, () => {
      this.values.push(values[i++]);
      return `$${this.values.length}`;
    });
    this.conditions.push(numbered);
    return this;
  }

  /** Adds a bind parameter that is not part of a condition (LIMIT) and returns its placeholder. */
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  get where(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}

/** A half-open time range; either end may be open. */
export interface TimeRange {
  from?: Date | undefined;
  to?: Date | undefined;
}

/** A page of rows plus whether more rows follow the last one. */
export interface Page<T> {
  rows: T[];
  hasMore: boolean;
}

/** Reads `limit + 1` rows to know whether another page exists, and returns at most `limit`. */
export function toPage<T>(rows: T[], limit: number): Page<T> {
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}
