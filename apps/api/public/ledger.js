// The ingestion ledger: recent files with their outcome counts, each linking to its page (file-view.js).
import { getJson } from './api.js';
import { dateTime, h, int, plural } from './dom.js';

const STATUS_TONE = { done: 'ok', duplicate: 'muted', failed: 'danger', queued: 'info', processing: 'info' };

function baseName(path) {
  return path.split(/[\\/]/).at(-1) ?? path;
}

function fileRow(f) {
  const rejected =
    f.rowsRejected > 0
      ? h('a', { href: `#/files/${f.id}/rejections`, class: 'rejections-link' }, `${plural(f.rowsRejected, 'rejected line')} →`)
      : h('span', { class: 'muted' }, '0');
  const note =
    f.status === 'failed'
      ? f.error
      : f.status === 'duplicate'
        ? `same content as file #${f.duplicateOfId}`
        : f.appendOfId
          ? `appended to file #${f.appendOfId}`
          : '';
  return h(
    'tr',
    { dataset: { fileId: String(f.id), status: f.status } },
    h('td', { class: 'num' }, String(f.id)),
    h('td', {}, h('a', { href: `#/files/${f.id}`, class: 'file-link', title: f.path }, baseName(f.path))),
    h('td', {}, h('span', { class: `badge ${STATUS_TONE[f.status] ?? ''}` }, f.status)),
    h('td', { class: 'num' }, int(f.rowsTotal)),
    h('td', { class: 'num' }, int(f.rowsLoaded)),
    h('td', { class: 'num' }, int(f.rowsImputed)),
    h('td', { class: 'num' }, int(f.rowsDuplicate)),
    h('td', { class: 'num' }, rejected),
    h('td', {}, f.finishedAt ? dateTime(f.finishedAt) : '—'),
    h('td', { class: 'note' }, note ?? ''),
  );
}

/** The newest files, and a button that appends older pages. */
export function ledgerSection(page, pageSize) {
  const body = h('tbody', {}, page.items.map(fileRow));
  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'button', hidden: !cursor }, 'older files');
  more.addEventListener('click', async () => {
    more.disabled = true;
    const next = await getJson('/files', { limit: pageSize, cursor });
    body.append(...next.items.map(fileRow));
    cursor = next.nextCursor;
    more.disabled = false;
    more.hidden = !cursor;
  });
  const head = ['#', 'File', 'Status', 'Lines', 'Loaded', 'Imputed', 'Duplicate', 'Rejected', 'Finished (UTC)', ''];
  return h(
    'section',
    { id: 'ledger' },
    h('h2', {}, 'Ingestion ledger'),
    page.items.length === 0
      ? h('p', { class: 'empty' }, 'No files yet.')
      : h(
          'table',
          { id: 'ledger-table', class: 'data' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              head.map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          body,
        ),
    more,
  );
}
