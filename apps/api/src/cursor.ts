import { z } from 'zod';

/**
 * Opaque pagination cursors: base64url of a JSON array holding the sort key of the last item of
 * a page. Clients pass them back unchanged; each endpoint checks the shape it expects, so a cursor
 * from another endpoint or a hand-made one is a 400, never a SQL error.
 */
export function encodeCursor(key: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A `cursor` query parameter that decodes into the tuple `shape` describes. */
export function cursorParam<T extends z.ZodType>(shape: T) {
  return z
    .string()
    .max(512, 'not a valid cursor')
    .transform((text, ctx): z.output<T> => {
      try {
        if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
        const parsed = shape.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
        if (parsed.success) return parsed.data;
      } catch {
        // falls through to the issue below
      }
      ctx.addIssue({ code: 'custom', message: 'not a valid cursor; pass nextCursor from the previous page unchanged' });
      return z.NEVER;
    })
    .optional()
    .meta({ description: 'Opaque cursor: the previous page’s nextCursor' });
}

/**
 * Postgres stores instants from 4714-11-24 BC (UTC) on; JavaScript's Date reaches 271821 BC, and
 * an instant between the two is `timestamp out of range` in SQL. Cursor instants start at 1 January
 * 4713 BC instead, a margin that holds whatever the process's time zone (node-postgres sends local
 * time, and Postgres checks that date); the upper end is Date's own (275760 AD), which Postgres stores.
 */
export const CURSOR_MIN_MS = Date.UTC(-4712, 0, 1);
export const CURSOR_MAX_MS = 8.64e15;

const epochMs = z.number().int().min(CURSOR_MIN_MS).max(CURSOR_MAX_MS);
const int4 = z.number().int().min(-2_147_483_648).max(2_147_483_647);

/** Cursor keys of the endpoints. */
export const cursorKeys = {
  /** [windowStart ms, turbineId] */
  windowStat: z.tuple([epochMs, int4]),
  /** [windowStart ms, turbineId, anomaly id] */
  anomaly: z.tuple([epochMs, int4, int4]),
  /** [id] or [line] */
  single: z.tuple([int4]),
  /** [ms]: a reading's ts or a window's start */
  instant: z.tuple([epochMs]),
};
