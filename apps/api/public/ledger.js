// The ingestion ledger: recent files with their outcome counts, and a file's rejected lines.
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
    h('td', { title: f.path }, baseName(f.path)),
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

export async function loadRejections(route) {
  const [file, page] = await Promise.all([getJson(`/files/${route.fileId}`), getJson(`/files/${route.fileId}/rejections`, { limit: 200 })]);
  return { file, page };
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

/** A file's rejected lines in line order, 200 at a time. */
export function rejectionsView({ file, page }) {
  const body = h('tbody', {}, page.items.map(rejectionRow));
  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'button', hidden: !cursor }, 'more lines');
  more.addEventListener('click', async () => {
    more.disabled = true;
    const next = await getJson(`/files/${file.id}/rejections`, { limit: 200, cursor });
    body.append(...next.items.map(rejectionRow));
    cursor = next.nextCursor;
    more.disabled = false;
    more.hidden = !cursor;
  });
  return {
    node: h(
      'section',
      { id: 'rejections-view' },
      h('p', {}, h('a', { href: '#/fleet' }, '← fleet and ledger')),
      h('h1', {}, `Rejected lines of file #${file.id} `, h('span', { class: 'subtle' }, baseName(file.path))),
      h(
        'p',
        { class: 'muted' },
        `${file.path} · ${file.status} · ${int(file.rowsTotal)} lines: ${int(file.rowsLoaded)} loaded, ${int(file.rowsDuplicate)} duplicate, ${int(file.rowsRejected)} rejected · `,
        h('a', { href: `/files/${file.id}/rejections?limit=1000` }, 'JSON'),
      ),
      page.items.length === 0
        ? h('p', { class: 'empty' }, 'This file has no rejected lines.')
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
    ),
  };
}
