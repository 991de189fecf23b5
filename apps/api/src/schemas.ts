import { z } from 'zod';
import { MAX_TURBINE_NAME } from '@windmill/core/profiles/input-profile';

/**
 * Zod pieces shared by the routes. The same schemas validate requests, shape responses and
 * become the OpenAPI document, so what /docs shows is what the API does.
 */

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
const INT4_MAX = 2_147_483_647;

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses an ISO 8601 date or date-time into a Date: `2022-03-01`, `2022-03-01T06:00:00Z`,
 * `2022-03-01T06:00:00.5+02:00`. A date-time without an offset, and a bare date, are read as UTC
 * (everything Windmill stores is UTC). Returns null for anything else, including impossible
 * dates such as February 30, and instants whose UTC year leaves 0000..9999 (`0000-01-01T00:00+01:00`):
 * those cannot be written back in this form, and the responses that echo a period do.
 */
export function parseIsoInstant(text: string): Date | null {
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset = 'Z'] = m.slice(1);
  const nums = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = nums;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  const fieldsHold =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!fieldsHold) return null;
  if (offset.toUpperCase() !== 'Z') {
    const om = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
    if (!om) return null;
    const oh = Number(om[2]);
    const omin = Number(om[3]);
    if (oh > 23 || omin > 59) return null;
    const sign = om[1] === '-' ? -1 : 1;
    date.setTime(date.getTime() - sign * (oh * 60 + omin) * 60_000);
  }
  const utcYear = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || utcYear < 0 || utcYear > 9999 ? null : date;
}

const EXPECTED_INSTANT = 'an ISO 8601 date or date-time in the years 0000 to 9999 (UTC), e.g. 2022-03-01T00:00:00Z';

/** A query parameter holding an instant, parsed into a Date. */
export const isoInstant = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `missing; expected ${EXPECTED_INSTANT}`
        : Array.isArray(issue.input)
          ? 'given more than once; give it once'
          : `expected ${EXPECTED_INSTANT}`,
  })
  .transform((text, ctx) => {
    const date = parseIsoInstant(text);
    if (date === null) {
      ctx.addIssue({ code: 'custom', message: `expected ${EXPECTED_INSTANT}` });
      return z.NEVER;
    }
    return date;
  })
  .meta({ format: 'date-time', example: '2022-03-01T00:00:00Z' });

/** Response timestamps: ISO 8601 in UTC with milliseconds. */
export const timestamp = z.iso.datetime();

/** Range checks come before the integer check so a huge value is reported as too large. */
export const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `expected ${what} as a positive integer` })
    .min(1, `expected ${what} as a positive integer`)
    .max(INT4_MAX, `must be at most ${INT4_MAX}`)
    .int(`expected ${what} as a positive integer`);

export const idParams = z.strictObject({ id: positiveInt('an id') });

/**
 * A turbine as the API takes it: its name as written in the data, 1 to 64 characters, exact
 * (case and spaces count). Numbered turbines are named by their number, so `7` is turbine 7.
 * Whether it exists is the route's question (a 404), not the schema's.
 */
export const turbineName = z
  .string()
  .min(1, 'expected a turbine name')
  .refine((name) => [...name].length <= MAX_TURBINE_NAME, `a turbine name has at most ${MAX_TURBINE_NAME} characters`)
  .meta({ example: 'Kelmarsh 1' });

export const turbineParams = z.strictObject({
  id: turbineName.meta({
    description: "The turbine's name, URL-encoded (`Kelmarsh%201`); a numbered turbine's name is its id (`7`)",
  }),
});

export const limitParam = z.coerce
  .number({ error: 'expected an integer' })
  .min(1, 'must be at least 1')
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
  .int('expected an integer')
  .default(DEFAULT_PAGE_SIZE)
  .meta({ description: `Page size, ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}` });

/** Readings are fetched for charts: a month of hourly data in one page, a year in a few. */
export const MAX_READINGS_PAGE_SIZE = 10_000;
export const DEFAULT_READINGS_PAGE_SIZE = 1000;

export const readingsLimitParam = z.coerce
  .number({ error: 'expected an integer' })
  .min(1, 'must be at least 1')
  .max(MAX_READINGS_PAGE_SIZE, `must be at most ${MAX_READINGS_PAGE_SIZE}`)
  .int('expected an integer')
  .default(DEFAULT_READINGS_PAGE_SIZE)
  .meta({ description: `Page size, ${DEFAULT_READINGS_PAGE_SIZE} by default, at most ${MAX_READINGS_PAGE_SIZE}` });

/** A half-open period [from, to) on a timestamp column; both ends optional. */
export const rangeShape = {
  from: isoInstant.optional().meta({ description: 'Start, inclusive (ISO 8601; UTC when no offset is given)' }),
  to: isoInstant.optional().meta({ description: 'End, exclusive (ISO 8601; UTC when no offset is given)' }),
};

/** For a refine on a query object: true unless both ends are given and from is not before to. */
export function rangeIsOrdered(q: { from?: Date | undefined; to?: Date | undefined }): boolean {
  return q.from === undefined || q.to === undefined || q.from < q.to;
}
export const RANGE_ORDER_ISSUE = { message: 'must be before to', path: ['from'] };

/** A page of items and the cursor of the next page (null on the last one). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` to get the next page; null on the last page' }),
  });
}

export const toIso = (d: Date): string => d.toISOString();
export const toIsoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());
