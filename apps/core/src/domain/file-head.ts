/**
 * The head of an export: the preamble lines before its header, and the header line itself (SPEC
 * section 8). `skipLines` lines are skipped first; then, with `commentPrefix`, lines starting with
 * it (and blank lines) are preamble. The header is the first other line; or, with `headerPrefix`,
 * a line starting with that prefix, which is removed: with a `commentPrefix` as well, the last
 * prefixed line before the data (Greenbyte writes its header as the last `# ` line), without one
 * the first prefixed line. Line numbers are physical: line 1 is the file's first line.
 *
 * The scanner takes decoded text as it comes and answers once the head is complete; what follows
 * the header line is handed back untouched for the CSV parser.
 */

export interface HeadRules {
  skipLines: number;
  commentPrefix: string | null;
  headerPrefix: string | null;
}

export interface FileHead {
  /** Preamble lines in file order, without their line endings (skipped lines included). */
  preamble: string[];
  /** The header line, its prefix removed, without its line ending. */
  header: string;
  /** The header's physical line number. */
  headerLine: number;
  /** The text after the header line's ending. */
  rest: string;
}

/** A head longer than this is not a preamble: the rules do not fit the file. */
export const MAX_HEAD_LINES = 10_000;
export const MAX_HEAD_CHARS = 4 << 20;

export function hasHeadRules(rules: HeadRules): boolean {
  return rules.skipLines > 0 || rules.commentPrefix !== null || rules.headerPrefix !== null;
}

export type HeadResult = { done: true; head: FileHead } | { done: false } | { done: 'failed'; reason: string };

/**
 * Scans text for the head. `push(text)` appends; `end()` says the file has no more text. Each
 * answers `done: true` with the head, `done: false` (needs more text), or `failed` with why.
 */
export function createHeadScanner(rules: HeadRules) {
  let text = '';
  const describe = () =>
    [
      rules.skipLines > 0 ? `skipLines ${rules.skipLines}` : null,
      rules.commentPrefix !== null ? `commentPrefix ${JSON.stringify(rules.commentPrefix)}` : null,
      rules.headerPrefix !== null ? `headerPrefix ${JSON.stringify(rules.headerPrefix)}` : null,
    ]
      .filter(Boolean)
      .join(', ');

  const scan = (final: boolean): HeadResult => {
    const preamble: string[] = [];
    let at = 0;
    let lineNumber = 0;
    /** The last header-prefixed comment line: the header when the data begins. */
    let candidate: { line: string; number: number; end: number; index: number } | null = null;
    for (;;) {
      const next = nextLine(text, at, final);
      if (next === null) break;
      lineNumber++;
      if (lineNumber > MAX_HEAD_LINES)
        return { done: 'failed', reason: `no header line in the first ${MAX_HEAD_LINES} lines (${describe()})` };
      const { line, end } = next;
      if (lineNumber <= rules.skipLines) {
        preamble.push(line);
        at = end;
        continue;
      }
      const isComment = rules.commentPrefix !== null && line.startsWith(rules.commentPrefix);
      const hasHeaderPrefix = rules.headerPrefix !== null && line.startsWith(rules.headerPrefix);
      if (rules.commentPrefix !== null && rules.headerPrefix !== null && (isComment || line.trim() === '')) {
        if (hasHeaderPrefix) candidate = { line, number: lineNumber, end, index: preamble.length };
        preamble.push(line);
        at = end;
        continue;
      }
      if (rules.commentPrefix !== null && rules.headerPrefix !== null) {
        // The first data line: the header was the last prefixed comment line.
        return candidate ? headFrom(preamble, candidate, rules.headerPrefix) : { done: 'failed', reason: noHeader() };
      }
      if (rules.headerPrefix !== null) {
        if (hasHeaderPrefix) return done(preamble, line.slice(rules.headerPrefix.length), lineNumber, end);
      } else if (!isComment && line.trim() !== '') {
        return done(preamble, line, lineNumber, end);
      }
      preamble.push(line);
      at = end;
    }
    if (!final) {
      if (text.length > MAX_HEAD_CHARS)
        return { done: 'failed', reason: `no header line in the first ${MAX_HEAD_CHARS} characters (${describe()})` };
      return { done: false };
    }
    // The file ends in its head: a header-only file (data-less) when the header was the last line.
    if (candidate && rules.headerPrefix !== null) return headFrom(preamble, candidate, rules.headerPrefix);
    return { done: 'failed', reason: noHeader() };
  };

  const done = (preamble: string[], header: string, headerLine: number, end: number): HeadResult => ({
    done: true,
    head: { preamble, header, headerLine, rest: text.slice(end) },
  });
  const headFrom = (
    preamble: string[],
    candidate: { line: string; number: number; end: number; index: number },
    prefix: string,
  ): HeadResult => ({
    done: true,
    head: {
      preamble: preamble.slice(0, candidate.index),
      header: candidate.line.slice(prefix.length),
      headerLine: candidate.number,
      rest: text.slice(candidate.end),
    },
  });
  const noHeader = () =>
    rules.headerPrefix !== null
      ? `no header line starting with ${JSON.stringify(rules.headerPrefix)} (${describe()})`
      : `no header line after the preamble (${describe()})`;

  return {
    push(more: string): HeadResult {
      text += more;
      return scan(false);
    },
    end(): HeadResult {
      return scan(true);
    },
  };
}

/** The line starting at `from` and where the next begins (after `\n`, `\r\n` or `\r`); null when its end is not there yet. */
function nextLine(text: string, from: number, final: boolean): { line: string; end: number } | null {
  if (from >= text.length) return null;
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 10) return { line: text.slice(from, i), end: i + 1 };
    if (code === 13) {
      if (i + 1 === text.length && !final) return null; // a \r\n may be split across chunks
      return { line: text.slice(from, i), end: text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1 };
    }
    i++;
  }
  return final ? { line: text.slice(from), end: text.length } : null;
}
