// The upload page (upload.html, docs/DESIGN.md §13.3), for the roles that import (hq, manager): files dropped or
// chosen are each tried first (POST /api/v1/imports?dry_run=true: every check of an import, nothing changed), the
// result shown per file — the columns as read, the stores and days, new and replaced orders, every refused line — and
// imported only on confirmation; below, the import history with the undo of a whole import, after a confirmation.
// Files go to the gateway one at a time: it runs one import or dry run at a time and says when to retry (429).
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { getJson, send, query, ApiError, onUnauthorized } from './api.js';
import { el, clear, table } from './dom.js';
import * as session from './session.js';

const $ = id => document.getElementById(id);
/** What the page takes; the gateway decides by the content, this only keeps other files out of the list. */
const ACCEPTED = /\.(csv|xlsx)$/i;
const HISTORY_PAGE = 50;

/** The files of this visit, in the order they were added: {id, file, state, report, detail, rejected}. */
const entries = [];
let nextId = 1;
/** The files are sent one after the other. */
let queue = Promise.resolve();
/** The history as loaded, newest first, and whether an older page may follow. */
let history = [];
let historyMayContinue = false;
/** The history row whose undo the dialog asks about. */
let undoTarget = null;

// ---- sending ------------------------------------------------------------------------------------------------------

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Sends a file as the form part 'file'; a busy gateway (429) is asked again after the time it names. */
async function upload(entry, dryRun) {
  for (;;) {
    const form = new FormData();
    form.append('file', entry.file, entry.file.name);
    try {
      return await send('POST', '/api/v1/imports' + (dryRun ? '?dry_run=true' : ''), form);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 429) {
        throw error;
      }
      const seconds = error.retryAfter || 2;
      entry.detail = t('uploadBusy', { s: seconds });
      render(entry);
      await sleep(seconds * 1000);
    }
  }
}

function enqueue(work) {
  queue = queue.then(work, work);
  return queue;
}

function tryFile(entry) {
  return enqueue(async () => {
    if (!entries.includes(entry)) {
      return;
    }
    setState(entry, 'checking');
    try {
      const report = await upload(entry, true);
      entry.report = report;
      entry.rejected = report.rejected || [];
      entry.rejectedTotal = report.rejected_total || 0;
      entry.detail = null;
      setState(entry, report.importable ? 'ready' : 'refused');
    } catch (error) {
      failed(entry, error);
    }
  });
}

function importFile(entry) {
  return enqueue(async () => {
    setState(entry, 'importing');
    try {
      const report = await upload(entry, false);
      entry.report = report;
      entry.detail = null;
      setState(entry, 'imported');
      await loadHistory();
      $('history-status').textContent = t('uploadImportedAs', { id: report.import_id, file: entry.file.name });
    } catch (error) {
      failed(entry, error);
    }
  });
}

/** A refusal: its lines when the gateway names them (422, a file changed since its dry run), else its sentence. */
function failed(entry, error) {
  const problem = error instanceof ApiError ? error.problem : null;
  if (problem && Array.isArray(problem.rejected) && problem.rejected.length) {
    entry.rejected = problem.rejected;
    entry.rejectedTotal = problem.rejected_total || problem.rejected.length;
  }
  entry.detail = error instanceof ApiError ? error.detail : String(error);
  setState(entry, 'failed');
}

function setState(entry, state) {
  entry.state = state;
  render(entry);
}

// ---- picking files ------------------------------------------------------------------------------------------------

function addFiles(list) {
  const refused = [];
  for (const file of list) {
    if (!ACCEPTED.test(file.name)) {
      refused.push(t('uploadNotExport', { name: file.name }));
      continue;
    }
    const entry = { id: nextId++, file, state: 'waiting', report: null, detail: null, rejected: [], rejectedTotal: 0 };
    entries.push(entry);
    render(entry);
    tryFile(entry);
  }
  $('upload-pick-error').textContent = refused.join(' ');
  $('upload-none').hidden = entries.length > 0;
}

function removeFile(entry) {
  entries.splice(entries.indexOf(entry), 1);
  const card = $('file-' + entry.id);
  if (card) {
    card.remove();
  }
  $('upload-none').hidden = entries.length > 0;
  $('upload-files').focus();
}

function wireDropZone() {
  const zone = $('drop-zone');
  const input = $('upload-files');
  input.addEventListener('change', () => {
    addFiles(Array.from(input.files));
    // The same file chosen again is a new try.
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, event => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'dragend']) {
    zone.addEventListener(type, () => zone.classList.remove('dragging'));
  }
  zone.addEventListener('drop', event => {
    event.preventDefault();
    zone.classList.remove('dragging');
    addFiles(Array.from(event.dataTransfer.files || []));
  });
  // A file dropped beside the zone would make the browser leave the page to show it.
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, event => event.preventDefault());
  }
}

// ---- one file's card ----------------------------------------------------------------------------------------------

function sizeText(bytes) {
  return bytes < 1024 * 1024 ? Math.max(1, Math.round(bytes / 1024)) + ' KB' : (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

function stateText(entry) {
  switch (entry.state) {
    case 'ready': return t('uploadReady');
    case 'refused': return t('uploadRefusedState', { n: entry.rejectedTotal });
    case 'imported': return t('uploadImported', { id: entry.report.import_id });
    case 'failed': return t('uploadFailed');
    case 'checking': return t('uploadChecking');
    case 'importing': return t('uploadImporting');
    default: return t('uploadWaiting');
  }
}

function facts(report) {
  const days = report.days;
  const stores = report.stores || [];
  const rows = [
    [t('uploadOrders'), t('uploadSummary', { lines: report.lines, orders: report.orders, new: report.new_orders,
      replaced: report.replaced_orders })],
    [t('uploadStores'), stores.length ? stores.join(', ') : '—'],
    [t('uploadDaysLabel'), days && days.from ? t('uploadDays', { from: days.from, to: days.to, count: days.count }) : '—'],
  ];
  if (report.new_stores && report.new_stores.length) {
    rows.push([t('uploadNewStores'), report.new_stores.join(', ')]);
  }
  return el('dl', { class: 'file-facts' }, rows.flatMap(([name, value]) => [el('dt', null, name), el('dd', null, value)]));
}

function columnsTable(report) {
  const columns = report.columns || [];
  if (!columns.length) {
    return null;
  }
  const read = columns.filter(c => c.status === 'read').length;
  return el('details', null,
    el('summary', null, t('uploadColumnsSummary', { read, total: columns.length })),
    table([{ label: t('uploadHeader') }, { label: t('uploadField') }, { label: t('uploadStatus') }],
      columns.map(c => ({
        cells: [c.header, c.field || '—', el('span', { class: 'col-' + c.status }, t('col_' + c.status))],
      })),
      { caption: t('uploadColumns'), className: 'data-table columns-read' }));
}

function refusedTable(entry) {
  if (!entry.rejected.length) {
    return null;
  }
  const caption = t('uploadRefused') + (entry.rejectedTotal > entry.rejected.length
    ? ' (' + t('uploadRefusedMore', { shown: entry.rejected.length, total: entry.rejectedTotal }) + ')' : '');
  return table([{ label: t('uploadLine'), numeric: true }, { label: t('uploadColumn') }, { label: t('uploadReason') }],
    entry.rejected.map(r => ({ cells: [String(r.line), r.column || '—', r.reason] })),
    { caption, className: 'data-table refused-lines' });
}

function render(entry) {
  if (!entries.includes(entry)) {
    return;
  }
  const busy = entry.state === 'waiting' || entry.state === 'checking' || entry.state === 'importing';
  const report = entry.report;
  const titleId = 'file-title-' + entry.id;
  const card = el('article', { class: 'file-card', id: 'file-' + entry.id, 'aria-labelledby': titleId,
      'aria-busy': busy ? 'true' : null, dataset: { state: entry.state, file: entry.file.name } },
    el('div', { class: 'file-head' },
      el('h3', { id: titleId }, entry.file.name, el('span', { class: 'muted' }, ' · ' + sizeText(entry.file.size))),
      el('span', { class: 'file-state', role: 'status' }, stateText(entry))),
    entry.detail ? el('p', { class: entry.state === 'failed' ? 'form-error' : 'muted' }, entry.detail) : null,
    report && (report.days || report.imported) ? facts(report) : null,
    report ? columnsTable(report) : null,
    refusedTable(entry),
    el('div', { class: 'form-actions' },
      entry.state === 'ready'
        ? el('button', { type: 'button', class: 'primary', onclick: () => importFile(entry) }, t('uploadConfirm')) : null,
      entry.state === 'refused' || entry.state === 'failed'
        ? el('button', { type: 'button', onclick: () => tryFile(entry) }, t('uploadRetry')) : null,
      busy ? null : el('button', { type: 'button', onclick: () => removeFile(entry) },
        entry.state === 'imported' ? t('uploadDone') : t('uploadRemove'))));
  const old = $('file-' + entry.id);
  if (old) {
    // The button that had the focus is gone: the card's title keeps the reader's place.
    const hadFocus = old.contains(document.activeElement);
    old.replaceWith(card);
    if (hadFocus) {
      const next = card.querySelector('.form-actions button');
      (next || card.querySelector('h3')).focus();
    }
  } else {
    $('upload-files-list').append(card);
  }
}

// ---- history and undo ---------------------------------------------------------------------------------------------

function when(at) {
  return at ? new Date(at).toLocaleString(i18n.lang() === 'zh' ? 'zh-CN' : 'en-GB',
    { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }) : '—';
}

function storesText(row) {
  const named = (row.stores || []).join(', ');
  return row.other_stores ? (named ? named + ' ' : '') + t('uploadOtherStores', { n: row.other_stores }) : named || '—';
}

async function loadHistory(more) {
  $('history-error').textContent = '';
  try {
    const before = more && history.length ? history[history.length - 1].id : undefined;
    const page = await getJson('/api/v1/imports' + query({ limit: HISTORY_PAGE, before }));
    history = more ? history.concat(page.imports) : page.imports;
    historyMayContinue = page.imports.length === HISTORY_PAGE;
    renderHistory();
  } catch (error) {
    $('history-error').textContent = t('uploadHistoryError', { detail: error.detail || String(error) });
  }
}

function renderHistory() {
  const target = clear($('history-table'));
  $('history-more').hidden = !historyMayContinue;
  if (!history.length) {
    target.append(el('p', { class: 'muted' }, t('uploadHistoryEmpty')));
    return;
  }
  const headers = ['uploadAt', 'uploadUser', 'uploadFile', 'uploadLines', 'uploadNew', 'uploadReplaced',
    'uploadHistoryStores', 'uploadHistoryDays', 'uploadState', 'uploadActions'].map(key => t(key));
  const numeric = new Set([3, 4, 5]);
  const rows = history.map(row => {
    const cells = [when(row.at), row.user || '—', row.file, String(row.lines), String(row.new_orders),
      String(row.replaced_orders), storesText(row),
      row.days && row.days.from ? row.days.from + ' – ' + row.days.to : '—',
      el('span', { class: 'status-' + row.status }, t('status_' + row.status)
        + (row.status === 'undone' && row.undone_by ? ' · ' + row.undone_by : '')),
      row.status === 'imported'
        ? el('button', { type: 'button', class: 'danger', 'aria-label': t('uploadUndoNamed', { id: row.id, file: row.file }),
          onclick: () => askUndo(row) }, t('uploadUndo'))
        : null];
    return el('tr', { dataset: { importId: row.id, status: row.status } },
      cells.map((cell, i) => el('td', { class: numeric.has(i) ? 'num' : null, 'data-label': headers[i] }, cell)));
  });
  target.append(el('div', { class: 'table-wrap', role: 'region', 'aria-label': t('uploadStep3'), tabindex: '0' },
    el('table', { class: 'data-table' },
      el('caption', { class: 'visually-hidden' }, t('uploadHistoryCaption')),
      el('thead', null, el('tr', null,
        headers.map((h, i) => el('th', { scope: 'col', class: numeric.has(i) ? 'num' : null }, h)))),
      el('tbody', null, rows))));
}

function askUndo(row) {
  undoTarget = row;
  $('undo-text').textContent = t('uploadUndoText', { id: row.id, file: row.file, new: row.new_orders,
    replaced: row.replaced_orders });
  // Escape closes the dialog without a button: no answer of an earlier question may count as this one's.
  $('undo-dialog').returnValue = '';
  $('undo-dialog').showModal();
  $('undo-cancel').focus();
}

async function undoClosed() {
  const row = undoTarget;
  undoTarget = null;
  if (!row || $('undo-dialog').returnValue !== 'undo') {
    return;
  }
  $('history-status').textContent = '';
  $('history-error').textContent = '';
  try {
    await send('POST', '/api/v1/imports/' + encodeURIComponent(row.id) + '/undo');
    await loadHistory();
    $('history-status').textContent = t('uploadUndone', { id: row.id });
  } catch (error) {
    $('history-error').textContent = error.detail || String(error);
    await loadHistory();
  }
  $('upload-history-title').focus();
}

// ---- the page -----------------------------------------------------------------------------------------------------

function rerender() {
  document.title = t('uploadPageTitle');
  $('lang-toggle').textContent = t('langSwitch');
  session.rerender();
  entries.forEach(render);
  if (history.length || !$('history-table').firstChild) {
    renderHistory();
  }
}

async function start() {
  i18n.apply();
  document.title = t('uploadPageTitle');
  $('lang-toggle').textContent = t('langSwitch');
  $('lang-toggle').addEventListener('click', () => {
    i18n.setLang(i18n.lang() === 'zh' ? 'en' : 'zh');
    rerender();
  });
  session.wire();
  onUnauthorized(() => session.ended());
  const me = await session.check();
  if (me === null) {
    document.body.dataset.state = 'signed-out';
    return;
  }
  $('upload-view').hidden = false;
  if (me && !(me.role === 'hq' || me.role === 'manager')) {
    $('upload-denied').hidden = false;
    for (const id of ['upload-pick', 'upload-results', 'upload-history']) {
      $(id).hidden = true;
    }
    document.body.dataset.state = 'denied';
    return;
  }
  wireDropZone();
  $('history-refresh').addEventListener('click', () => loadHistory());
  $('history-more').addEventListener('click', () => loadHistory(true));
  $('undo-dialog').addEventListener('close', undoClosed);
  $('upload-history-title').tabIndex = -1;
  await loadHistory();
  document.body.dataset.state = 'ready';
}

start();
