// One file of the ingestion ledger: what happened to it (its status, the error it failed with, where
// it went, the profile it was read with, its lines by outcome) and its rejected lines.
import { getJson } from './api.js';
import { dateTime, h, int, plural } from './dom.js';

const STATUS_TONE = { done: 'ok', duplicate: 'muted', failed: 'danger', queued: 'info', processing: 'info' };
const REJECTIONS_PAGE = 200;

function baseName(path) {
  return path.split(/[\\/]/).at(-1) ?? path;
}

export async function loadFile(route) {
  const [file, page] = await Promise.all([
    getJson(`/files/${route.fileId}`),
    getJson(`/files/${route.fileId}/rejections`, { limit: REJECTIONS_PAGE }),
  ]);
  return { file, page, focus: route.focus };
}

/** Where the file is now, in words: its final path, or why it has none. */
function wherePlace(file) {
  if (file.finalPath && file.moveError) {
    return [h('code', { class: 'path' }, file.finalPath), ` (still in the inbox: it cannot be moved, ${file.moveError})`];
  }
  if (file.finalPath) {
    return file.status === 'failed'
      ? [
          h('code', { class: 'path' }, file.finalPath),
          ' (the failed folder; ',
          h('code', { class: 'path' }, `${baseName(file.finalPath)}.error.json`),
          ' beside it says why)',
        ]
      : [h('code', { class: 'path' }, file.finalPath)];
  }
  if (file.status === 'queued' || file.status === 'processing')
    return h('span', { class: 'muted' }, 'not moved yet: it is still being loaded');
  return h(
    'span',
    { class: 'muted' },
    'not moved: left where it was received (npm run ingest), or deleted once loaded (DELETE_AFTER_INGEST)',
  );
}

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function fileLink(id) {
  return h('a', { href: `#/files/${id}` }, `file #${id}`);
}

/** The file's outcome, as the ledger row has it. */
function facts(file) {
  const lines = `${int(file.rowsTotal)} lines: ${int(file.rowsLoaded)} loaded (${int(file.rowsImputed)} with imputed values), ${int(file.rowsDuplicate)} duplicate, ${int(file.rowsRejected)} rejected`;
  return h(
    'dl',
    { id: 'file-facts', class: 'facts' },
    fact('Status', h('span', { class: `badge ${STATUS_TONE[file.status] ?? ''}`, dataset: { status: file.status } }, file.status)),
    fact('Received as', h('code', { class: 'path' }, file.path)),
    fact('Now at', wherePlace(file)),
    fact('Profile', file.profile ? h('strong', {}, file.profile) : h('span', { class: 'muted' }, 'none: the canonical layout')),
    fact(
      'Lines',
      file.status === 'failed' && file.rowsTotal === 0
        ? h('span', { class: 'muted' }, 'none loaded: a file that fails loads nothing')
        : lines,
      file.rowsSuperseded > 0 ? `; ${plural(file.rowsSuperseded, 'earlier reading')} superseded` : '',
    ),
    file.duplicateOfId ? fact('Same content as', fileLink(file.duplicateOfId)) : null,
    file.appendOfId ? fact('Appended to', fileLink(file.appendOfId)) : null,
    file.ignoredColumns?.length ? fact('Columns ignored', file.ignoredColumns.join(', ')) : null,
    fact(
      'Finished',
      file.finishedAt ? `${dateTime(file.finishedAt)} UTC` : '—',
      ` · queued ${dateTime(file.queuedAt)} UTC · ${plural(file.attempts, 'attempt')} · `,
      h('a', { href: `/files/${file.id}` }, 'JSON'),
    ),
  );
}

/** Why a file has no rejected line to list: a failed or duplicate file was never read line by line. */
function noRejections(file) {
  const why =
    file.status === 'failed'
      ? 'None: the file failed as a whole (the error above), so no line of it was loaded or rejected.'
      : file.status === 'duplicate'
        ? 'None: its content had been loaded before, so its lines were not read again.'
        : file.status === 'done'
          ? 'None: every line was loaded or was a duplicate of one already stored.'
          : 'None yet: the file has not been loaded.';
  return h('p', { id: 'no-rejections', class: 'muted' }, why);
}

function rejectionRow(r) {
  return h(
    'tr',
    {},
    h('td', { class: 'num' }, String(r.line)),
    h('td', {}, h('span', { class: 'badge warn' }, r.reason)),
    h('td', {}, r.detail),
    h('td', {}, h('code', { class: 'raw' }, r.raw)),
  );
}

function rejectionsSection(file, page) {
  const body = h('tbody', {}, page.items.map(rejectionRow));
  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'button', hidden: !cursor }, 'more lines');
  more.addEventListener('click', async () => {
    more.disabled = true;
    const next = await getJson(`/files/${file.id}/rejections`, { limit: REJECTIONS_PAGE, cursor });
    body.append(...next.items.map(rejectionRow));
    cursor = next.nextCursor;
    more.disabled = false;
    more.hidden = !cursor;
  });
  return h(
    'section',
    { id: 'rejections' },
    h('h2', {}, 'Rejected lines ', h('a', { class: 'subtle', href: `/files/${file.id}/rejections?limit=1000` }, 'JSON')),
    page.items.length === 0
      ? noRejections(file)
      : h(
          'table',
          { id: 'rejections-table', class: 'data' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Line', 'Reason', 'Detail', 'Raw text'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          body,
        ),
    more,
  );
}

/** `#/files/<id>`: the file and its rejected lines; `#/files/<id>/rejections` scrolls to the lines. */
export function fileView({ file, page, focus }) {
  const section = h(
    'section',
    { id: 'file-view', dataset: { fileId: String(file.id), status: file.status } },
    h('p', {}, h('a', { href: '#/fleet' }, '← fleet and ledger')),
    h('h1', {}, `File #${file.id} `, h('span', { class: 'subtle' }, baseName(file.path))),
    file.status === 'failed'
      ? h(
          'div',
          { id: 'file-error', class: 'error-box', role: 'alert' },
          h('strong', {}, 'This file failed: '),
          file.error ?? 'no error was recorded',
        )
      : null,
    file.moveError && file.status !== 'failed'
      ? h('p', { class: 'notice' }, `Loaded, but still in the inbox: ${file.moveError}. It moves by itself once its folder takes it.`)
      : null,
    facts(file),
    rejectionsSection(file, page),
  );
  return {
    node: section,
    mount() {
      if (focus === 'rejections') section.querySelector('#rejections')?.scrollIntoView();
    },
  };
}
