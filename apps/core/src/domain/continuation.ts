import { mapHeader } from './header.js';

/**
 * A slow writer: an exporter that appends a line now and then, pausing longer than the watcher's
 * stability wait. The watcher loads what is there and moves the file away; the writer's next
 * append (`>>`) then creates a new file at the same path holding only the new lines, without a
 * header. Such a file is a continuation of the previous load of that path: read with that load's
 * header, its lines numbered after that load's last line.
 *
 * The first line of the new file decides. It is a continuation when that line is not a header
 * Windmill can map and has as many fields as the previous header. A file with its own header is
 * never one, and a header-less file of another shape still fails as "no header".
 */
export function isContinuation(firstLine: string, previousHeader: string): boolean {
  const fields = splitCsvLine(firstLine);
  if (mapHeader(fields).ok) return false;
  return fields.length === splitCsvLine(previousHeader).length;
}

/**
 * The fields of one CSV line (RFC 4180 quotes; a trailing line break ignored). Only for the
 * decision above: a quoted field that runs past the line is taken as it is.
 */
export function splitCsvLine(line: string): string[] {
  const text = line.replace(/\r?\n$|\r$/, '');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
