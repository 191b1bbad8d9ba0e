// The dashboard: picks a store and a date range, asks the API for each part of the page on its own, and shows each
// part as soon as it arrives. A part whose service is down says so in its own panel; the rest keeps working. Nobody
// signed in sees the sign-in form instead; what a signed-in user sees follows their role (ops: the monitor only).
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { getJson, query, rowsOf, ApiError, onUnauthorized } from './api.js';
import { el, clear } from './dom.js';
import * as monitor from './monitor.js';
import * as panels from './panels.js';
import * as session from './session.js';
import * as admin from './admin.js';
import * as actions from './actions.js';

const DAY_MS = 86400000;
const MAX_RANGE_DAYS = 366;
const PRODUCT_PAGE_SIZE = 20;
const ORDER_PAGE_SIZE = 50;
/** The API's default pages: the page asks for exactly what the warm-up put into the cache. */
const DIAGNOSIS_PAGE_SIZE = 50;
const RANKING_PAGE_SIZE = 100;
/** Which state member holds each paged part's page. */
const PAGE_OF = { products: 'productPage', orders: 'ordersPage', diagnosis: 'diagnosisPage', ranking: 'rankingPage' };
/** The parts that need a single store (the API refuses `all` for them). */
const SINGLE_STORE_PARTS = new Set(['products', 'diagnosis', 'orders']);

const state = {
  stores: [],
  store: 'all',
  from: null,
  to: null,
  latest: null,
  rankMetric: 'revenue',
  productSort: 'revenue',
  productPage: 1,
  ordersPage: 1,
  diagnosisPage: 1,
  rankingPage: 1,
  data: {},
  generation: {},
  firstRender: true,
  /** The signed-in role, or null when this gateway has no sign-in (then the dashboard is open, as before). */
  role: null,
  view: 'dashboard',
  /** An import or a channel change happened in the manage view: the dashboard's figures are reloaded on return. */
  stale: false,
};

const $ = id => document.getElementById(id);

// ---- dates ------------------------------------------------------------------------------------------------------

function parseDay(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text || '')) {
    return null;
  }
  const ms = Date.parse(text + 'T00:00:00Z');
  return Number.isNaN(ms) ? null : ms;
}

function formatDay(ms) {
  return new Date(ms).toISOString().substring(0, 10);
}

function addDays(day, days) {
  return formatDay(parseDay(day) + days * DAY_MS);
}

function rangeDays(from, to) {
  return Math.round((parseDay(to) - parseDay(from)) / DAY_MS) + 1;
}

function validRange(from, to) {
  const a = parseDay(from);
  const b = parseDay(to);
  return a !== null && b !== null && a <= b && rangeDays(from, to) <= MAX_RANGE_DAYS;
}

// ---- URL hash: a view can be bookmarked and reloaded ---------------------------------------------------------------

function readHash() {
  const params = new URLSearchParams(window.location.hash.substring(1));
  return { store: params.get('store'), from: params.get('from'), to: params.get('to') };
}

function writeHash() {
  const params = new URLSearchParams({ store: state.store, from: state.from, to: state.to });
  history.replaceState(null, '', '#' + params.toString());
}

// ---- panels -----------------------------------------------------------------------------------------------------

const PARTS = {
  overview: {
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/overview' + query({ from: state.from, to: state.to }),
    render: (body, data) => {
      panels.renderKpis(body, data);
      body.dataset.loaded = state.store + '|' + data.from + '|' + data.to;
      return true;
    },
    body: () => $('kpis'),
  },
  trend: {
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/trend' + query({ from: state.from, to: state.to }),
    render: panels.renderTrend,
  },
  channels: {
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/channels' + query({ from: state.from, to: state.to }),
    render: panels.renderChannels,
  },
  categories: {
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/categories' + query({ from: state.from, to: state.to }),
    render: panels.renderCategories,
  },
  hours: {
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/hours' + query({ from: state.from, to: state.to }),
    render: panels.renderHours,
  },
  ranking: {
    path: () => '/api/v1/ranking' + query({ from: state.from, to: state.to, metric: state.rankMetric,
      page: state.rankingPage, size: RANKING_PAGE_SIZE }),
    render: (body, data) => paged(body, data, (b, d) => panels.renderRanking(b, d, state.rankMetric, state.store, pickStore),
      'ranking', state.rankingPage, RANKING_PAGE_SIZE),
  },
  diagnosis: {
    // One page of products; the health, medians and quadrant lines are over every product (docs/DESIGN.md §12.4).
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/diagnosis'
      + query({ from: state.from, to: state.to, page: state.diagnosisPage, size: DIAGNOSIS_PAGE_SIZE }),
    render: (body, data) => paged(body, data, (b, d) => panels.renderDiagnosis(b, d, $('diagnosis-health')),
      'diagnosis', state.diagnosisPage, DIAGNOSIS_PAGE_SIZE),
  },
  products: {
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/products'
      + query({ from: state.from, to: state.to, sort: state.productSort, page: state.productPage, size: PRODUCT_PAGE_SIZE }),
    render: (body, data) => paged(body, data, panels.renderProducts, 'products', state.productPage, PRODUCT_PAGE_SIZE),
  },
  orders: {
    path: () => '/api/v1/stores/' + encodeURIComponent(state.store) + '/orders'
      + query({ from: state.from, to: state.to, page: state.ordersPage, size: ORDER_PAGE_SIZE }),
    render: (body, data) => paged(body, data, panels.renderOrders, 'orders', state.ordersPage, ORDER_PAGE_SIZE),
  },
};

function panelOf(part) {
  return document.querySelector('[data-part="' + part + '"]');
}

function bodyOf(part) {
  const custom = PARTS[part].body;
  return custom ? custom() : panelOf(part).querySelector('.panel-body');
}

function setPanelState(part, panelState, message) {
  const panel = panelOf(part);
  panel.dataset.state = panelState;
  const box = panel.querySelector('.panel-message');
  box.textContent = message || '';
  box.hidden = !message;
}

function unavailableMessage(part, error) {
  const what = t('part_' + part);
  if (error instanceof ApiError) {
    const status = error.status ? ' (' + error.status + ')' : '';
    return what + ' ' + t('unavailable') + status + ': ' + error.detail;
  }
  return what + ' ' + t('unavailable');
}

function paged(body, data, render, part, page, size) {
  const drawn = render(body, data);
  const shown = rowsOf(data, ['products', 'lines', 'orders', 'stores', 'items', 'rows']).length;
  const info = panels.pageInfo(data, page, size, shown);
  const setPage = next => {
    state[PAGE_OF[part]] = next;
    loadPart(part);
  };
  body.append(el('div', { class: 'pager' },
    el('button', { type: 'button', class: 'pager-prev', disabled: page <= 1, onclick: () => setPage(page - 1) }, t('prevPage')),
    el('span', { class: 'pager-info', dataset: { page: String(page) } },
      t('pageOf', { page }) + (info.total !== null ? ' · ' + t('totalRows', { total: info.total }) : '')),
    el('button', { type: 'button', class: 'pager-next', disabled: !info.hasNext, onclick: () => setPage(page + 1) }, t('nextPage'))));
  return drawn || page > 1;
}

/** Loads one part; answers that arrive after a newer request for the same part are dropped. */
async function loadPart(part) {
  const generation = (state.generation[part] || 0) + 1;
  state.generation[part] = generation;
  const spec = PARTS[part];
  if (SINGLE_STORE_PARTS.has(part) && state.store === 'all') {
    clearBody(part);
    state.data[part] = null;
    setPanelState(part, 'needs-store', t('needsStore'));
    return;
  }
  setPanelState(part, 'loading', t('loading'));
  try {
    const data = await getJson(spec.path());
    if (state.generation[part] !== generation || !signedInOrOpen()) {
      return;
    }
    state.data[part] = data;
    renderPart(part);
    if (part === 'channels' && state.data.orders) {
      // The order lines name channels by code: now their names are known.
      renderPart('orders');
    }
  } catch (error) {
    if (state.generation[part] !== generation || !signedInOrOpen()) {
      return;
    }
    state.data[part] = null;
    clearBody(part);
    setPanelState(part, 'error', unavailableMessage(part, error));
  }
}

function clearBody(part) {
  const body = bodyOf(part);
  if (part !== 'overview' && part !== 'trend' && part !== 'channels' && part !== 'categories' && part !== 'hours'
    && part !== 'diagnosis') {
    clear(body);
    return;
  }
  // Chart containers are kept (ECharts owns them); everything else goes.
  for (const child of Array.from(body.children)) {
    if (child.classList.contains('chart')) {
      child.hidden = true;
    } else {
      child.remove();
    }
  }
}

function renderPart(part) {
  const data = state.data[part];
  if (!data) {
    return;
  }
  clearBody(part);
  const body = bodyOf(part);
  const chart = body.querySelector('.chart');
  if (chart) {
    chart.hidden = false;
  }
  let drawn;
  try {
    drawn = PARTS[part].render(body, data);
  } catch (e) {
    console.error('rendering ' + part + ' failed', e);
    setPanelState(part, 'error', t('part_' + part) + ' ' + t('unavailable'));
    return;
  }
  if (drawn === false) {
    if (chart) {
      chart.hidden = true;
    }
    setPanelState(part, 'empty', t('noData'));
  } else {
    setPanelState(part, 'ready', '');
  }
  // Which answer the panel shows, for the browser tests: store (or the chain), first and last day.
  panelOf(part).dataset.loaded = (data.store || state.store) + '|' + data.from + '|' + data.to;
}

function loadAll() {
  writeHash();
  updateRangeControls();
  const started = performance.now();
  const parts = Object.keys(PARTS).map(loadPart);
  Promise.allSettled(parts).then(() => {
    if (state.firstRender) {
      state.firstRender = false;
      // Read by the browser tests: time from navigation start to every part shown (or reported unavailable).
      document.body.dataset.renderMs = String(Math.round(performance.now()));
      document.body.dataset.state = 'ready';
    }
    document.body.dataset.lastLoadMs = String(Math.round(performance.now() - started));
  });
}

// ---- controls ---------------------------------------------------------------------------------------------------

/** Back to the first page of every paged table of the store (and of the ranking, when the range changed). */
function firstPages(rangeChanged) {
  state.productPage = 1;
  state.ordersPage = 1;
  state.diagnosisPage = 1;
  if (rangeChanged) {
    state.rankingPage = 1;
  }
}

function pickStore(code) {
  if (!code || code === state.store) {
    return;
  }
  state.store = code;
  $('store').value = code;
  firstPages(false);
  loadAll();
}

function fillStores() {
  const select = $('store');
  const current = state.store;
  clear(select);
  // `all` is every store the caller may see: for anyone but hq, that is their own stores.
  select.append(el('option', { value: 'all' }, t(state.role && state.role !== 'hq' ? 'allMyStores' : 'allStores')));
  for (const s of state.stores) {
    select.append(el('option', { value: s.code }, s.code + ' ' + (s.name || '') + (s.city ? ' · ' + s.city : '')));
  }
  if (current !== 'all' && !state.stores.some(s => s.code === current)) {
    select.append(el('option', { value: current }, current));
  }
  select.value = current;
}

function updateRangeControls() {
  $('from').value = state.from;
  $('to').value = state.to;
  if (state.latest) {
    $('from').max = state.latest;
    $('to').max = state.latest;
  }
  const days = rangeDays(state.from, state.to);
  for (const button of document.querySelectorAll('[data-days]')) {
    const preset = Number(button.dataset.days);
    button.setAttribute('aria-pressed', String(state.to === state.latest && days === preset));
  }
  $('range-message').hidden = true;
}

function setPreset(days) {
  const end = state.latest || state.to;
  state.to = end;
  state.from = addDays(end, -(days - 1));
  firstPages(true);
  loadAll();
}

function onDatesChanged() {
  const from = $('from').value;
  const to = $('to').value;
  if (!validRange(from, to)) {
    $('range-message').textContent = t('rangeInvalid');
    $('range-message').hidden = false;
    return;
  }
  state.from = from;
  state.to = to;
  firstPages(true);
  loadAll();
}

function rerenderAll() {
  i18n.apply();
  $('lang-toggle').textContent = t('langSwitch');
  session.rerender();
  if (state.role) {
    admin.rerender();
  }
  fillStores();
  for (const part of Object.keys(PARTS)) {
    if (state.data[part]) {
      renderPart(part);
    } else {
      const panel = panelOf(part);
      if (panel.dataset.state === 'needs-store') {
        setPanelState(part, 'needs-store', t('needsStore'));
      }
    }
  }
  monitor.rerender();
}

function wireControls() {
  $('store').addEventListener('change', event => pickStore(event.target.value));
  for (const button of document.querySelectorAll('[data-days]')) {
    button.addEventListener('click', () => setPreset(Number(button.dataset.days)));
  }
  $('from').addEventListener('change', onDatesChanged);
  $('to').addEventListener('change', onDatesChanged);
  $('lang-toggle').addEventListener('click', () => {
    i18n.setLang(i18n.lang() === 'zh' ? 'en' : 'zh');
    rerenderAll();
  });
  $('rank-metric').addEventListener('change', event => {
    state.rankMetric = event.target.value;
    state.rankingPage = 1;
    loadPart('ranking');
  });
  $('product-sort').addEventListener('change', event => {
    state.productSort = event.target.value;
    state.productPage = 1;
    loadPart('products');
  });
  // A link or bookmark to another view of the same page: follow it without a reload.
  window.addEventListener('hashchange', () => {
    const next = readHash();
    let changed = false;
    if (next.store && /^[A-Za-z0-9_-]{1,32}$/.test(next.store) && next.store !== state.store) {
      state.store = next.store;
      $('store').value = next.store;
      changed = true;
    }
    if (validRange(next.from, next.to) && (next.from !== state.from || next.to !== state.to)) {
      state.from = next.from;
      state.to = next.to;
      changed = true;
    }
    if (changed) {
      firstPages(true);
      fillStores();
      loadAll();
    }
  });
}

// ---- who is signed in --------------------------------------------------------------------------------------------

function signedInOrOpen() {
  return document.body.dataset.auth !== 'signed-out';
}

function showView(view) {
  state.view = view;
  for (const button of document.querySelectorAll('[data-view]')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
  $('dashboard-view').hidden = view !== 'dashboard';
  $('manage-view').hidden = view !== 'manage';
  $('controls').hidden = view !== 'dashboard' || !readsSales();
  document.body.dataset.view = view;
  if (view === 'manage') {
    admin.open();
  } else if (state.stale && readsSales()) {
    state.stale = false;
    loadAll();
  }
}

/** Every role but ops reads sales figures; without sign-in (an older gateway) the dashboard is open to all. */
function readsSales() {
  return state.role !== 'ops';
}

// ---- start ------------------------------------------------------------------------------------------------------

async function start() {
  i18n.apply();
  $('lang-toggle').textContent = t('langSwitch');
  wireControls();
  session.wire();
  // A 401 from any call while signed in: the session ended (expired, or signed out elsewhere). Every panel's answer
  // that arrives afterwards is dropped, so the form is not buried under a storm of errors.
  onUnauthorized(() => session.ended());

  const me = await session.check();
  if (me === null) {
    return;
  }
  state.role = me ? me.role : null;
  $('dashboard-view').hidden = false;
  monitor.start();
  if (me) {
    $('views').hidden = false;
    for (const button of document.querySelectorAll('[data-view]')) {
      button.addEventListener('click', () => showView(button.dataset.view));
    }
    admin.setup(me.role, { imported: () => { state.stale = true; } });
  }
  if (!readsSales()) {
    // ops: the monitor, its details open, and nothing that would only answer 403.
    $('sales').hidden = true;
    $('monitor-toggle').click();
    showView('dashboard');
    document.body.dataset.state = 'ready';
    return;
  }
  $('controls').hidden = false;

  const fromHash = readHash();
  if (fromHash.store && /^[A-Za-z0-9_-]{1,32}$/.test(fromHash.store)) {
    state.store = fromHash.store;
  }
  fillStores();
  actions.mount($('actions-panel'), () => state.store);

  const storesLoaded = getJson('/api/v1/stores').then(data => {
    state.stores = rowsOf(data, ['stores']).filter(s => s && s.code);
    if (state.store !== 'all' && !state.stores.some(s => s.code === state.store)) {
      // A bookmark of a store this user may not see (or that no longer exists): their own stores instead.
      state.store = 'all';
      if (state.from) {
        loadAll();
      }
    }
    fillStores();
    $('stores-message').hidden = true;
  }).catch(error => {
    $('stores-message').textContent = unavailableMessage('stores', error);
    $('stores-message').hidden = false;
  });

  // The newest day with data, from the chain's default range (the last 30 days up to it).
  try {
    const overview = await getJson('/api/v1/stores/all/overview');
    state.latest = overview.to;
  } catch (error) {
    if (!signedInOrOpen()) {
      return;
    }
    state.latest = formatDay(Date.now() - DAY_MS);
  }
  if (validRange(fromHash.from, fromHash.to)) {
    state.from = fromHash.from;
    state.to = fromHash.to;
  } else {
    state.to = state.latest;
    state.from = addDays(state.latest, -29);
  }
  await Promise.race([storesLoaded, new Promise(resolve => setTimeout(resolve, 1500))]);
  loadAll();
}

start();
