/**
 * The second step of sniffing a profile: how the text is laid out. The delimiter, the preamble
 * (`skipLines`, `commentPrefix`, `headerPrefix`), the header line and the data records after it.
 * Fields are always split by fast-csv, as the loader splits them; the text is cut into physical
 * lines only to find the preamble. Pure.
 */
import { ParserOptions } from '@fast-csv/parse';
import { Parser } from '@fast-csv/parse/build/src/parser/index.js';
import { DELIMITERS, type Delimiter } from './input-profile.js';

export interface Layout {
  delimiter: Delimiter;
  skipLines: number;
  commentPrefix: string | null;
  headerPrefix: string | null;
  /** The header's names as written (trimmed); empty when no line names the columns. */
  header: string[];
  /** The physical lines before the header: where a turbine or a time zone may be named. */
  preamble: string[];
  /** Data records with as many fields as the header, in file order. */
  rows: string[][];
  notes: string[];
  undecided: string[];
}

/** Comment lines are recognised by this prefix; any other preamble is skipped by line count. */
const COMMENT = '#';
/** The delimiter is chosen on at most this many lines from the end of the head (surely data). */
const DELIMITER_SAMPLE = 300;
const NUMBER = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;
const DATE = /^\d{1,4}[-./ ]\d{1,2}[-./ ]\d{1,4}\b/;

const parsers = new Map<Delimiter, Parser>();

/**
 * One line's fields, split by fast-csv with `delimiter` (RFC 4180 quoting), or null when the line
 * is not valid CSV that way (a quote left open, text after a closing quote).
 */
export function splitRecord(line: string, delimiter: Delimiter): string[] | null {
  let parser = parsers.get(delimiter);
  if (parser === undefined) {
    parser = new Parser(new ParserOptions({ headers: false, ignoreEmpty: false, trim: false, delimiter }));
    parsers.set(delimiter, parser);
  }
  try {
    const { rows, line: rest } = parser.parse(line, false);
    return rows.length === 1 && rest === '' ? rows[0]! : null;
  } catch {
    return null;
  }
}

const isBlank = (line: string) => line.trim() === '';
const isComment = (line: string) => line.startsWith(COMMENT);
const looksLikeValue = (cell: string) => NUMBER.test(cell.trim()) || DATE.test(cell.trim());

/**
 * Finds the layout of `lines` (the head's physical lines, a possibly cut last line already left
 * out). The delimiter is the one that splits the most data lines into one same number of fields
 * (two at least), then the one that yields more numbers, then more fields. The first data line is
 * the first line of that many fields holding a number or a date, followed by a line of as many
 * fields; the header is the last non-blank line before it, after `# ` or `#` when it starts so
 * (Greenbyte). Lines before the header that start with `#` make the comment prefix; any other
 * lines before them are skipped by count (blank lines count too: line numbers are physical).
 * Edge cases: no line with two fields or more leaves the delimiter undecided; data from the first
 * line on leaves the header undecided.
 */
export function sniffLayout(lines: readonly string[]): Layout {
  const notes: string[] = [];
  const undecided: string[] = [];
  const content = lines.filter((line) => !isBlank(line) && !isComment(line));
  const choice = chooseDelimiter(content.slice(-DELIMITER_SAMPLE));
  const none: Layout = {
    delimiter: ',',
    skipLines: 0,
    commentPrefix: null,
    headerPrefix: null,
    header: [],
    preamble: [],
    rows: [],
    notes,
    undecided,
  };
  if (choice === null) {
    const why =
      content.length === 0 ? 'the file holds no data lines' : 'no delimiter among , ; tab | splits the lines into two fields or more';
    notes.push(`delimiter: "," by default (${why})`);
    undecided.push(`delimiter: ${why}; is this a CSV export?`);
    return none;
  }
  const { delimiter, fields, agreeing, sampled, runnerUp } = choice;
  notes.push(
    `delimiter: ${JSON.stringify(delimiter)} (${agreeing} of ${sampled} sampled data lines split into ${fields} fields` +
      `${runnerUp ? `; ${JSON.stringify(runnerUp.delimiter)} would give ${runnerUp.fields} fields on ${runnerUp.agreeing}` : ''})`,
  );

  const count = (i: number) => splitRecord(lines[i]!, delimiter)?.length ?? -1;
  const isContent = (i: number) => !isBlank(lines[i]!) && !isComment(lines[i]!);
  let firstData = -1;
  for (let i = 0; i < lines.length && firstData === -1; i++) {
    if (!isContent(i)) continue;
    const cells = splitRecord(lines[i]!, delimiter);
    if (cells === null || cells.length !== fields || !cells.some(looksLikeValue)) continue;
    let next = i + 1;
    while (next < lines.length && !isContent(next)) next++;
    if (next >= lines.length || count(next) === fields) firstData = i;
  }
  // The header is the last line before the data that names things: a data line of another field
  // count (a broken first record) is data all the same, not the header.
  const isDataLike = (i: number) => {
    if (!isContent(i)) return false;
    const cells = splitRecord(lines[i]!, delimiter);
    return cells !== null && cells.filter(looksLikeValue).length * 2 > cells.length;
  };
  let headerAt = firstData - 1;
  while (headerAt >= 0 && (isBlank(lines[headerAt]!) || isDataLike(headerAt))) headerAt--;
  if (firstData === -1 || headerAt < 0) {
    const why = firstData === -1 ? 'no data line found' : 'the first line already holds data';
    notes.push(`header: none (${why})`);
    undecided.push(`header: ${why}; a profile needs a header line naming the columns`);
    return { ...none, delimiter };
  }

  const headerLine = lines[headerAt]!;
  const headerPrefix = isComment(headerLine) ? (headerLine.startsWith(`${COMMENT} `) ? `${COMMENT} ` : COMMENT) : null;
  const header = (splitRecord(headerLine.slice(headerPrefix?.length ?? 0), delimiter) ?? []).map((name) => name.trim());
  // The comment run: the '#' (and blank) lines right before the header; anything earlier is skipped by count.
  let runStart = headerAt;
  while (runStart > 0 && (isBlank(lines[runStart - 1]!) || isComment(lines[runStart - 1]!))) runStart--;
  const hasComments = headerPrefix !== null || lines.slice(runStart, headerAt).some(isComment);
  const skipLines = runStart;
  const commentPrefix = hasComments ? COMMENT : null;
  notes.push(describePreamble(headerAt, skipLines, commentPrefix, headerPrefix));
  const shown = header.slice(0, 4).map((name) => JSON.stringify(name));
  notes.push(`header: line ${headerAt + 1}, ${header.length} columns (${shown.join(', ')}${header.length > 4 ? ', ...' : ''})`);
  if (header.length !== fields) {
    notes.push(
      `header: it names ${header.length} columns but the data lines have ${fields} fields; rows of another count are rejected as column_count`,
    );
  }

  const rows: string[][] = [];
  let odd = 0;
  for (let i = firstData; i < lines.length; i++) {
    if (isBlank(lines[i]!)) continue;
    const cells = splitRecord(lines[i]!, delimiter);
    if (cells !== null && cells.length === header.length) rows.push(cells);
    else odd++;
  }
  if (odd > 0)
    notes.push(
      `rows: ${odd} of the first ${rows.length + odd} data lines do not have ${header.length} fields (rejected as column_count when loaded)`,
    );
  return { delimiter, skipLines, commentPrefix, headerPrefix, header, preamble: lines.slice(0, headerAt), rows, notes, undecided };
}

interface DelimiterChoice {
  delimiter: Delimiter;
  fields: number;
  agreeing: number;
  sampled: number;
  runnerUp: { delimiter: Delimiter; fields: number; agreeing: number } | null;
}

function chooseDelimiter(sample: readonly string[]): DelimiterChoice | null {
  const scored = DELIMITERS.map((delimiter) => {
    const byCount = new Map<number, { lines: number; numbers: number }>();
    for (const line of sample) {
      const cells = splitRecord(line, delimiter);
      if (cells === null) continue;
      const entry = byCount.get(cells.length) ?? { lines: 0, numbers: 0 };
      entry.lines++;
      entry.numbers += cells.filter((cell) => NUMBER.test(cell.trim())).length / cells.length;
      byCount.set(cells.length, entry);
    }
    let best = { fields: 0, lines: 0, numbers: 0 };
    for (const [fields, entry] of byCount) {
      if (entry.lines > best.lines || (entry.lines === best.lines && fields > best.fields)) best = { fields, ...entry };
    }
    return { delimiter, fields: best.fields, agreeing: best.lines, numberShare: best.lines === 0 ? 0 : best.numbers / best.lines };
  }).filter((s) => s.fields >= 2);
  // Most agreeing lines first; within 1 % of that, more numbers, then more fields.
  scored.sort((a, b) => {
    if (Math.abs(a.agreeing - b.agreeing) > sample.length / 100) return b.agreeing - a.agreeing;
    if (Math.abs(a.numberShare - b.numberShare) > 0.01) return b.numberShare - a.numberShare;
    return b.fields - a.fields;
  });
  const [best, second] = scored;
  if (best === undefined) return null;
  const runnerUp = second ? { delimiter: second.delimiter, fields: second.fields, agreeing: second.agreeing } : null;
  return { delimiter: best.delimiter, fields: best.fields, agreeing: best.agreeing, sampled: sample.length, runnerUp };
}

function describePreamble(headerAt: number, skipLines: number, commentPrefix: string | null, headerPrefix: string | null): string {
  if (headerAt === 0) return 'preamble: none (the header is line 1)';
  const parts: string[] = [];
  if (skipLines > 0) parts.push(`skipLines ${skipLines} (lines 1-${skipLines} are neither comments nor the header)`);
  if (commentPrefix !== null && headerPrefix !== null) {
    parts.push(
      `commentPrefix ${JSON.stringify(commentPrefix)} and headerPrefix ${JSON.stringify(headerPrefix)} ` +
        `(lines ${skipLines + 1}-${headerAt + 1} start with "${commentPrefix}"; the last of them names the columns after ${JSON.stringify(headerPrefix)})`,
    );
  } else if (commentPrefix !== null) {
    parts.push(`commentPrefix ${JSON.stringify(commentPrefix)} (lines ${skipLines + 1}-${headerAt} start with it or are blank)`);
  }
  return parts.length === 0
    ? `preamble: none (only blank lines before the header on line ${headerAt + 1})`
    : `preamble: ${parts.join('; ')}`;
}
