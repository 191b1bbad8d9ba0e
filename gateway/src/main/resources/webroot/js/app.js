// The dashboard: picks a store (or compares a few) and a range of the retail calendar, asks the API for each part of
// the page on its own, and shows each part as soon as it arrives. A part whose service is down says so in its own
// panel, in the page's language; the rest keeps working. The whole view lives in the address (view.js), so Back
// steps through views. The page reloads its figures by itself when the server says the data changed. Nobody signed
// in sees the sign-in form instead; what a signed-in user sees follows their role (ops: the monitor only).
import * as i18n from './i18n.js';
import { t, apiMessage } from './i18n.js';
import { getJson, query, rowsOf, ApiError, onUnauthorized } from './api.js';
import { el, clear } from './dom.js';
import * as calendar from './calendar.js';
import * as view from './view.js';
import * as monitor from './monitor.js';
import * as panels from './panels.js';
import * as session from './session.js';
import * as admin from './admin.js';
import { dateTime } from './format.js';
import * as actions from './actions.js';

const MAX_RANGE_DAYS = 366;
const PRODUCT_PAGE_SIZE = 20;
const ORDER_PAGE_SIZE = 50;
/** The API's default pages: the page asks for exactly what the warm-up put into the cache. */
const DIAGNOSIS_PAGE_SIZE = 50;
const RANKING_PAGE_SIZE = 100;
const LOSING_PAGE_SIZE = 50;
/** Several data changes in a row (an import of many stores, an undo) reload the page once. */
const REFRESH_DEBOUNCE_MS = 400;
/** Which state member holds each paged part's page. */
const PAGE_OF = { products: 'productPage', orders: 'ordersPage', diagnosis: 'diagnosisPage', ranking: 'rankingPage',
  losing: 'losingPage' };
/** The parts that need a single store (the API refuses `all` for them). */
const SINGLE_STORE_PARTS = new Set(['products', 'diagnosis', 'orders']);
/** The parts of the chain only. */
const CHAIN_PARTS = new Set(['losing']);
/**
 * Parameters of other parts of issue 19 that an older gateway refuses as unknown (400 naming them): the page then
 * drops the parameter, says the filter is not available, and keeps working.
 */
const OPTIONAL_PARAMETERS = new Set(['city', 'q', 'channel', 'min_amount', 'max_amount', 'group']);

const state = {
  stores: [],
  /** The stores view's own members (chain freshness), when it has them. */
  storesAnswer: null,
  store: 'all',
  from: null,
  to: null,
  /** The retail-calendar preset the range follows, or null for dates picked by hand. */
  preset: 'days30',
  /** The newest day with data, and the clock's today (calendar.js). */
  latest: null,
  today: null,
  city: null,
  compare: [],
  rankMetric: 'revenue',
  productSort: 'revenue',
  productPage: 1,
  ordersPage: 1,
  diagnosisPage: 1,
  rankingPage: 1,
  losingPage: 1,
  search: { q: '', channel: '', min: '', max: '', day: '', group: false },
  data: {},
  generation: {},
  /** Parameters this gateway does not know yet (OPTIONAL_PARAMETERS). */
  unsupported: new Set(),
  /** The overview said the range has no orders: every part shows the one banner instead of zeros. */
  emptyRange: false,
  firstRender: true,
  /** The signed-in role, or null when this gateway has no sign-in (then the dashboard is open, as before). */
  role: null,
  view: 'dashboard',
  /** An import or a channel change happened in the manage view: the dashboard's figures are reloaded on return. */
  stale: false,
  /** The store of a link that does not exist (or is not the caller's): said once. */
  unknownStore: null,
  refreshTimer: null,
};

const $ = id => document.getElementById(id);

function validRange(from, to) {
  const a = calendar.parseDay(from);
  const b = calendar.parseDay(to);
  return a !== null && b !== null && a <= b && calendar.rangeDays(from, to) <= MAX_RANGE_DAYS;
}

function anchorDay() {
  return calendar.anchor(state.today, state.latest);
}

/** Follows the preset, if any, to today's anchor (which moves when newer data arrives). */
function applyPreset() {
  const range = state.preset ? calendar.presetRange(state.preset, anchorDay()) : null;
  if (range) {
    state.from = range.from;
    state.to = range.to;
  }
}

// ---- the view in the address ---------------------------------------------------------------------------------------

/** Writes the view into the address: a new history entry when a person changed it, else in place. */
function writeHash(push) {
  const hash = view.write(state, i18n.lang());
  if (hash === window.location.hash) {
    return;
  }
  if (push) {
    history.pushState(null, '', hash);
  } else {
    history.replaceState(null, '', hash);
  }
}

/** Takes the view of the address (a link, a bookmark, Back) into the state. */
function readView() {
  const v = view.read(window.location.hash);
  state.store = v.store || 'all';
  if (v.preset) {
    state.preset = v.preset;
  } else if (v.from && v.to && validRange(v.from, v.to)) {
    state.preset = null;
    state.from = v.from;
    state.to = v.to;
  } else {
    state.preset = 'days30';
  }
  state.city = v.city;
  state.compare = v.compare;
  state.rankMetric = v.rankMetric || 'revenue';
  state.productSort = v.productSort || 'revenue';
  for (const member of Object.keys(view.PAGE_KEYS)) {
    state[member] = v[member];
  }
  state.search = v.search;
  if (v.lang && v.lang !== i18n.lang()) {
    i18n.setLang(v.lang);
  }
  applyPreset();
}

/** A person changed the view: a new history entry, then the parts it touches. */
function changed(parts) {
  writeHash(true);
  if (parts) {
    parts.forEach(loadPart);
  } else {
    loadAll();
  }
}

// ---- requests ---------------------------------------------------------------------------------------------------

function storePath(kind, store = state.store) {
  return '/api/v1/stores/' + encodeURIComponent(store) + '/' + kind;
}

function rangeParams() {
  return { from: state.from, to: state.to };
}

/** The chain's city filter: on chain views only (a single store is in one city anyway). */
function cityParams() {
  return state.store === 'all' && state.city && !state.unsupported.has('city') ? { city: state.city } : {};
}

/** The orders search as the API's parameters; a day is the range of that one day. */
function searchParams() {
  const s = state.search;
  const params = s.day ? { from: s.day, to: s.day } : rangeParams();
  const wanted = { q: s.q, channel: s.channel, min_amount: s.min, max_amount: s.max, group: s.group ? 'order' : '' };
  for (const [name, value] of Object.entries(wanted)) {
    if (value && !state.unsupported.has(name)) {
      params[name] = value;
    }
  }
  return params;
}

/**
 * GET of a view. A 400 naming a parameter of OPTIONAL_PARAMETERS means this gateway does not know it yet: the
 * parameter is dropped, remembered, and the view asked again without it.
 */
/** Times a panel asks again after a 429 (admission control shed it: its computation waits for the client's others). */
const SHED_RETRIES = 3;

async function getView(path, params, shed = 0) {
  try {
    return await getJson(path + query(params));
  } catch (error) {
    if (error instanceof ApiError && error.status === 429 && shed < SHED_RETRIES) {
      // The page asks every panel at once; over a long range of all stores they can pass the client's budget
      // (docs/DESIGN.md §12.3). A shed panel asks again when the gateway says, so the person sees figures, not "busy".
      const seconds = Math.min(error.retryAfter || 1, 5);
      await new Promise(resolve => setTimeout(resolve, seconds * 1000));
      return getView(path, params, shed + 1);
    }
    const parameter = error instanceof ApiError && error.status === 400 ? error.parameter : null;
    if (parameter && OPTIONAL_PARAMETERS.has(parameter) && params[parameter] !== undefined) {
      state.unsupported.add(parameter);
      const rest = Object.assign({}, params);
      delete rest[parameter];
      showUnsupported();
      return getView(path, rest);
    }
    throw error;
  }
}

// ---- panels -----------------------------------------------------------------------------------------------------

const PARTS = {
  overview: {
    request: () => [storePath('overview'), Object.assign(rangeParams(), cityParams())],
    render: (body, data) => {
      panels.renderKpis(body, data);
      body.dataset.loaded = state.store + '|' + data.from + '|' + data.to;
      return true;
    },
    body: () => $('kpis'),
  },
  trend: {
    request: () => [storePath('trend'), Object.assign(rangeParams(), cityParams())],
    render: panels.renderTrend,
  },
  channels: {
    request: () => [storePath('channels'), Object.assign(rangeParams(), cityParams())],
    render: panels.renderChannels,
  },
  categories: {
    request: () => [storePath('categories'), Object.assign(rangeParams(), cityParams())],
    render: panels.renderCategories,
  },
  hours: {
    request: () => [storePath('hours'), Object.assign(rangeParams(), cityParams())],
    render: panels.renderHours,
  },
  ranking: {
    request: () => ['/api/v1/ranking', Object.assign(rangeParams(), state.city && !state.unsupported.has('city')
      ? { city: state.city } : {}, { metric: state.rankMetric, page: state.rankingPage, size: RANKING_PAGE_SIZE })],
    render: (body, data) => paged(body, data, (b, d) => panels.renderRanking(b, d, state.rankMetric, state.store, pickStore),
      'ranking', state.rankingPage, RANKING_PAGE_SIZE),
  },
  losing: {
    request: () => [storePath('losing-products', 'all'), Object.assign(rangeParams(), cityParams(),
      { page: state.losingPage, size: LOSING_PAGE_SIZE })],
    render: (body, data) => paged(body, data, panels.renderLosing, 'losing', state.losingPage, LOSING_PAGE_SIZE),
  },
  diagnosis: {
    // One page of products; the health, medians and quadrant lines are over every product (docs/DESIGN.md §12.4).
    request: () => [storePath('diagnosis'), Object.assign(rangeParams(), { page: state.diagnosisPage, size: DIAGNOSIS_PAGE_SIZE })],
    render: (body, data) => paged(body, data, (b, d) => panels.renderDiagnosis(b, d, $('diagnosis-health')),
      'diagnosis', state.diagnosisPage, DIAGNOSIS_PAGE_SIZE),
  },
  products: {
    request: () => [storePath('products'), Object.assign(rangeParams(),
      { sort: state.productSort, page: state.productPage, size: PRODUCT_PAGE_SIZE })],
    render: (body, data) => paged(body, data, panels.renderProducts, 'products', state.productPage, PRODUCT_PAGE_SIZE),
  },
  orders: {
    request: () => [storePath('orders'), Object.assign(searchParams(), { page: state.ordersPage, size: ORDER_PAGE_SIZE })],
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
  const links = panel.querySelector('.export');
  if (links) {
    links.hidden = panelState !== 'ready';
  }
}

function unavailableMessage(part, error) {
  return t('part_' + part) + ' ' + t('unavailable') + (error ? '：' + apiMessage(error) : '');
}

function paged(body, data, render, part, page, size) {
  const drawn = render(body, data);
  const shown = rowsOf(data, ['products', 'lines', 'orders', 'stores', 'items', 'rows']).length;
  const info = panels.pageInfo(data, page, size, shown);
  const setPage = next => {
    state[PAGE_OF[part]] = next;
    changed([part]);
  };
  body.append(el('nav', { class: 'pager', 'aria-label': t('part_' + part) + ' ' + t('pages') },
    el('button', { type: 'button', class: 'pager-prev', disabled: page <= 1, onclick: () => setPage(page - 1) }, t('prevPage')),
    el('span', { class: 'pager-info', dataset: { page: String(page) } },
      t('pageOf', { page }) + (info.total !== null ? ' · ' + t('totalRows', { total: info.total }) : '')),
    el('button', { type: 'button', class: 'pager-next', disabled: !info.hasNext, onclick: () => setPage(page + 1) }, t('nextPage'))));
  return drawn || page > 1;
}

/** The part's export links: the view's own request with `format`, every row rather than one page. */
function exportLinks(part, path, params) {
  const panel = panelOf(part);
  const links = panel.querySelector('.export');
  if (!links) {
    return;
  }
  const whole = Object.assign({}, params, { lang: i18n.lang() });
  delete whole.page;
  delete whole.size;
  for (const link of links.querySelectorAll('a[data-format]')) {
    link.href = path + query(Object.assign({}, whole, { format: link.dataset.format }));
    link.setAttribute('aria-label', t('exportAs', { what: t('part_' + part), format: link.textContent }));
  }
}

function skipped(part) {
  if (CHAIN_PARTS.has(part) && state.store !== 'all') {
    return 'chain';
  }
  if (SINGLE_STORE_PARTS.has(part) && state.store === 'all') {
    return 'store';
  }
  return null;
}

/** Loads one part; answers that arrive after a newer request for the same part are dropped. */
async function loadPart(part) {
  const generation = (state.generation[part] || 0) + 1;
  state.generation[part] = generation;
  const spec = PARTS[part];
  const skip = skipped(part);
  panelOf(part).hidden = skip === 'chain' || (part === 'losing' && state.unsupported.has('losing-products'));
  if (skip) {
    clearBody(part);
    state.data[part] = null;
    setPanelState(part, skip === 'store' ? 'needs-store' : 'empty', skip === 'store' ? t('needsStore') : '');
    return;
  }
  setPanelState(part, 'loading', t('loading'));
  const [path, params] = spec.request();
  panelOf(part).dataset.request = path + query(params);
  try {
    const data = await getView(path, params);
    if (state.generation[part] !== generation || !signedInOrOpen()) {
      return;
    }
    state.data[part] = data;
    exportLinks(part, path, params);
    renderPart(part);
    if (part === 'channels') {
      fillChannels();
      if (state.data.orders) {
        // The order lines name channels by code: now their names are known.
        renderPart('orders');
      }
    }
  } catch (error) {
    if (state.generation[part] !== generation || !signedInOrOpen()) {
      return;
    }
    state.data[part] = null;
    clearBody(part);
    if (part === 'losing' && error instanceof ApiError && error.status === 404) {
      // A gateway without the chain's list of money-losing products: the panel is simply not there.
      state.unsupported.add('losing-products');
      panelOf(part).hidden = true;
      setPanelState(part, 'empty', '');
      return;
    }
    setPanelState(part, 'error', unavailableMessage(part, error));
    panelOf(part).querySelector('.panel-message').dataset.detail = error instanceof ApiError ? error.detail : '';
  }
}

const CHART_PARTS = new Set(['overview', 'trend', 'channels', 'categories', 'hours', 'diagnosis']);

function clearBody(part) {
  const body = bodyOf(part);
  if (!CHART_PARTS.has(part)) {
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
  if (state.emptyRange && part !== 'overview') {
    setPanelState(part, 'empty', '');
    return;
  }
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
  if (part === 'overview') {
    checkEmptyRange(data);
  }
}

/** A range without orders: one banner saying what the data covers, and no zero charts, donuts or ¥0.00 rankings. */
function checkEmptyRange(overview) {
  const orders = overview.kpis ? overview.kpis.orders : null;
  const empty = orders === 0 || orders === '0';
  state.emptyRange = empty;
  const banner = $('empty-banner');
  banner.hidden = !empty;
  document.body.dataset.emptyRange = String(empty);
  if (!empty) {
    return;
  }
  const coverage = panels.coverage(state.storesAnswer, state.stores, state.store, state.latest);
  banner.textContent = coverage.from
    ? t('emptyRangeCovers', { from: coverage.from, to: coverage.to })
    : t('emptyRangeUpTo', { to: coverage.to || '—' });
  for (const part of Object.keys(PARTS)) {
    if (part !== 'overview' && !skipped(part)) {
      clearBody(part);
      setPanelState(part, 'empty', '');
    }
  }
  // The banner is the whole answer: the panels, the cards and the comparison go until the range changes.
  setPanelState('overview', 'empty', '');
  $('kpis').hidden = true;
  $('compare').hidden = true;
}

function loadAll() {
  writeHash(false);
  updateControls();
  state.emptyRange = false;
  $('empty-banner').hidden = true;
  $('kpis').hidden = false;
  const started = performance.now();
  const parts = Object.keys(PARTS).map(loadPart).concat([loadCompare()]);
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

// ---- compare 2–4 stores -------------------------------------------------------------------------------------------

async function loadCompare() {
  const section = $('compare');
  const generation = (state.generation.compare || 0) + 1;
  state.generation.compare = generation;
  if (state.compare.length < 2) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  section.dataset.state = 'loading';
  const stores = state.compare.slice();
  const answers = await Promise.all(stores.map(code => Promise.all([
    getJson(storePath('overview', code) + query(rangeParams())).catch(error => ({ error })),
    getJson(storePath('trend', code) + query(rangeParams())).catch(error => ({ error })),
  ])));
  if (state.generation.compare !== generation || state.emptyRange) {
    return;
  }
  const columns = stores.map((code, i) => ({
    code,
    name: (state.stores.find(s => s.code === code) || {}).name || '',
    overview: answers[i][0].error ? null : answers[i][0],
    trend: answers[i][1].error ? null : answers[i][1],
    error: answers[i][0].error ? apiMessage(answers[i][0].error) : null,
  }));
  panels.renderCompare($('compare-body'), columns);
  section.dataset.state = 'ready';
  section.dataset.loaded = stores.join(',') + '|' + state.from + '|' + state.to;
}

function fillCompare() {
  const list = clear($('compare-stores'));
  for (const s of state.stores) {
    const checked = state.compare.includes(s.code);
    list.append(el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: s.code, checked, disabled: !checked && state.compare.length >= view.MAX_COMPARE,
        onchange: event => toggleCompare(s.code, event.target.checked) }),
      ' ' + s.code + ' ' + (s.name || '')));
  }
  $('compare-count').textContent = state.compare.length ? String(state.compare.length) : '';
  // Comparing needs two stores to pick from.
  $('compare-picker').hidden = state.stores.length < 2;
}

function toggleCompare(code, on) {
  state.compare = on ? state.compare.concat([code]).slice(0, view.MAX_COMPARE) : state.compare.filter(c => c !== code);
  fillCompare();
  writeHash(true);
  loadCompare();
}

// ---- controls ---------------------------------------------------------------------------------------------------

/** Back to the first page of every paged table of the store (and of the chain's, when the range changed). */
function firstPages(rangeChanged) {
  state.productPage = 1;
  state.ordersPage = 1;
  state.diagnosisPage = 1;
  if (rangeChanged) {
    state.rankingPage = 1;
    state.losingPage = 1;
  }
}

function pickStore(code) {
  if (!code || code === state.store) {
    return;
  }
  state.store = code;
  $('store').value = code;
  firstPages(false);
  changed();
}

function storeLabel(s) {
  return s.code + ' ' + (s.name || '') + (s.city ? ' · ' + s.city : '');
}

function fillStores() {
  const select = $('store');
  const current = state.store;
  clear(select);
  // `all` is every store the caller may see: for anyone but hq, that is their own stores.
  select.append(el('option', { value: 'all' }, t(state.role && state.role !== 'hq' ? 'allMyStores' : 'allStores')));
  for (const s of state.stores) {
    select.append(el('option', { value: s.code }, storeLabel(s)));
  }
  select.value = state.stores.some(s => s.code === current) ? current : 'all';
  fillCities();
  fillCompare();
  showFreshness();
}

function fillCities() {
  const cities = Array.from(new Set(state.stores.map(s => s.city).filter(Boolean))).sort();
  const select = $('city');
  clear(select);
  select.append(el('option', { value: '' }, t('allCities')));
  for (const city of cities) {
    select.append(el('option', { value: city }, city));
  }
  select.value = state.city && cities.includes(state.city) ? state.city : '';
  // A city filter is for the chain's views, and only when the chain has more than one city.
  $('city-control').hidden = cities.length < 2 || state.unsupported.has('city');
  select.disabled = state.store !== 'all';
}

function fillChannels() {
  const select = $('search-channel');
  const current = state.search.channel;
  clear(select);
  select.append(el('option', { value: '' }, t('allChannels')));
  for (const row of rowsOf(state.data.channels, ['channels'])) {
    const code = row.channel || row.code;
    if (code) {
      select.append(el('option', { value: code }, panels.channelLabel(code, row.name)));
    }
  }
  if (current && !Array.from(select.options).some(o => o.value === current)) {
    select.append(el('option', { value: current }, panels.channelLabel(current)));
  }
  select.value = current;
}

function updateControls() {
  $('from').value = state.from;
  $('to').value = state.to;
  if (state.latest) {
    $('from').max = state.latest;
    $('to').max = state.latest;
  }
  for (const button of document.querySelectorAll('[data-preset]')) {
    button.setAttribute('aria-pressed', String(button.dataset.preset === state.preset));
  }
  $('rank-metric').value = state.rankMetric;
  $('product-sort').value = state.productSort;
  $('range-message').hidden = true;
  $('anchor-day').textContent = state.preset ? t('anchorDay', { day: anchorDay() }) : '';
  const s = state.search;
  $('search-q').value = s.q;
  $('search-min').value = s.min;
  $('search-max').value = s.max;
  $('search-day').value = s.day;
  $('search-group').checked = s.group;
  $('search-channel').value = s.channel;
  if (state.latest) {
    $('search-day').max = state.latest;
  }
  fillCities();
  fillCompare();
  showFreshness();
}

function setPreset(preset) {
  state.preset = preset;
  applyPreset();
  firstPages(true);
  changed();
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
  state.preset = calendar.presetOf(from, to, anchorDay());
  firstPages(true);
  changed();
}

function onSearch(event) {
  event.preventDefault();
  const amount = value => /^\d{1,9}(\.\d{1,2})?$/.test(value.trim()) ? value.trim() : '';
  state.search = {
    q: $('search-q').value.trim().substring(0, 100),
    channel: $('search-channel').value,
    min: amount($('search-min').value),
    max: amount($('search-max').value),
    day: calendar.parseDay($('search-day').value) !== null ? $('search-day').value : '',
    group: $('search-group').checked,
  };
  state.ordersPage = 1;
  changed(['orders']);
}

/** 昨日: the orders of the newest day with data (an export arrives a day late, so that is yesterday's). */
function searchYesterday() {
  $('search-day').value = state.latest || '';
  onSearch(new Event('submit'));
}

function clearSearch() {
  state.search = { q: '', channel: '', min: '', max: '', day: '', group: false };
  state.ordersPage = 1;
  updateControls();
  changed(['orders']);
}

/** Says, in the panels that use them, which filters this gateway does not offer yet. */
function showUnsupported() {
  const search = ['q', 'channel', 'min_amount', 'max_amount', 'group'].filter(p => state.unsupported.has(p));
  const note = $('search-unsupported');
  note.hidden = search.length === 0;
  note.textContent = search.length ? t('searchUnsupported') : '';
  fillCities();
}

function rerenderAll() {
  i18n.apply();
  $('lang-toggle').textContent = t('langSwitch');
  session.rerender();
  if (state.role) {
    admin.rerender();
  }
  fillStores();
  fillChannels();
  updateControls();
  showUnsupported();
  for (const part of Object.keys(PARTS)) {
    if (state.data[part]) {
      const [path, params] = PARTS[part].request();
      exportLinks(part, path, params);
      renderPart(part);
    } else if (panelOf(part).dataset.state === 'needs-store') {
      setPanelState(part, 'needs-store', t('needsStore'));
    }
  }
  if (state.unknownStore) {
    showUnknownStore();
  }
  loadCompare();
  monitor.rerender();
}

function wireControls() {
  $('store').addEventListener('change', event => pickStore(event.target.value));
  $('city').addEventListener('change', event => {
    state.city = event.target.value || null;
    state.rankingPage = 1;
    state.losingPage = 1;
    changed();
  });
  for (const button of document.querySelectorAll('[data-preset]')) {
    button.addEventListener('click', () => setPreset(button.dataset.preset));
  }
  $('from').addEventListener('change', onDatesChanged);
  $('to').addEventListener('change', onDatesChanged);
  $('lang-toggle').addEventListener('click', () => {
    i18n.setLang(i18n.lang() === 'zh' ? 'en' : 'zh');
    writeHash(true);
    rerenderAll();
  });
  $('refresh').addEventListener('click', () => refreshData());
  $('filter-toggle').addEventListener('click', () => {
    const open = !$('controls').classList.contains('open');
    $('controls').classList.toggle('open', open);
    $('filter-toggle').setAttribute('aria-expanded', String(open));
  });
  $('rank-metric').addEventListener('change', event => {
    state.rankMetric = event.target.value;
    state.rankingPage = 1;
    changed(['ranking']);
  });
  $('product-sort').addEventListener('change', event => {
    state.productSort = event.target.value;
    state.productPage = 1;
    changed(['products']);
  });
  $('orders-search').addEventListener('submit', onSearch);
  $('search-yesterday').addEventListener('click', searchYesterday);
  $('search-clear').addEventListener('click', clearSearch);
  // Back and Forward, a link or a bookmark to another view of the same page: follow it without a reload.
  window.addEventListener('popstate', () => {
    if (view.write(state, i18n.lang()) === window.location.hash) {
      return;
    }
    const language = i18n.lang();
    readView();
    if (i18n.lang() !== language) {
      rerenderAll();
    }
    fillStores();
    loadAll();
  });
}

// ---- freshness and data changes ---------------------------------------------------------------------------------------

function showFreshness() {
  const fresh = panels.freshness(state.storesAnswer, state.stores, state.store, state.latest);
  const line = $('freshness-text');
  line.textContent = fresh.newest
    ? t('freshness', { newest: dateTime(fresh.newest) }) + (fresh.imported ? ' · ' + t('lastImport', { time: dateTime(fresh.imported) }) : '')
    : state.latest ? t('freshnessDay', { day: state.latest }) : '';
  line.dataset.newest = fresh.newest || state.latest || '';
}

async function loadStores() {
  const data = await getJson('/api/v1/stores');
  state.storesAnswer = data;
  state.stores = rowsOf(data, ['stores']).filter(s => s && s.code);
  $('stores-message').hidden = !state.unknownStore;
}

/** The newest day with data, from the chain's default range (the last 30 days up to it). */
async function loadLatest() {
  const overview = await getJson('/api/v1/stores/all/overview');
  state.latest = overview.to;
}

/** The data changed (the server said so, or the refresh button): everything is asked again. */
async function refreshData() {
  $('refresh').disabled = true;
  try {
    await Promise.allSettled([loadStores(), loadLatest()]);
    fillStores();
    applyPreset();
    loadAll();
  } finally {
    $('refresh').disabled = false;
  }
}

/** Which of the changed stores this view shows. */
function concerns(stores) {
  return state.store === 'all' || stores.includes(state.store) || state.compare.some(code => stores.includes(code));
}

function onDataChanged(change) {
  if (!Array.isArray(change.stores) || !concerns(change.stores)) {
    return;
  }
  document.body.dataset.dataVersion = String(change.version);
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => {
    if (state.view === 'dashboard') {
      refreshData();
    } else {
      state.stale = true;
    }
  }, REFRESH_DEBOUNCE_MS);
}

function showUnknownStore() {
  $('stores-message').textContent = t('unknownStore', { store: state.unknownStore });
  $('stores-message').hidden = false;
}

// ---- who is signed in --------------------------------------------------------------------------------------------

function signedInOrOpen() {
  return document.body.dataset.auth !== 'signed-out';
}

function showView(next) {
  state.view = next;
  for (const button of document.querySelectorAll('[data-view]')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === next));
  }
  $('dashboard-view').hidden = next !== 'dashboard';
  $('manage-view').hidden = next !== 'manage';
  $('controls').hidden = next !== 'dashboard' || !readsSales();
  document.body.dataset.view = next;
  if (next === 'manage') {
    admin.open();
  } else if (state.stale && readsSales()) {
    state.stale = false;
    refreshData();
  }
}

/** Every role but ops reads sales figures; without sign-in (an older gateway) the dashboard is open to all. */
function readsSales() {
  return state.role !== 'ops';
}

// ---- start ------------------------------------------------------------------------------------------------------

async function start() {
  state.today = calendar.clockToday();
  readView();
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
  document.body.dataset.role = state.role || '';
  $('dashboard-view').hidden = false;
  monitor.start({ technical: !me || me.role === 'hq' || me.role === 'ops', onDataChanged });
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
    $('controls').hidden = true;
    $('monitor-toggle').click();
    showView('dashboard');
    document.body.dataset.state = 'ready';
    return;
  }
  $('controls').hidden = false;

  // The store list first: a link naming a store that does not exist (or is not this user's) says so once, instead
  // of every panel failing on it.
  const [stores, latest] = await Promise.allSettled([loadStores(), loadLatest()]);
  if (stores.status === 'rejected') {
    $('stores-message').textContent = unavailableMessage('stores', stores.reason);
    $('stores-message').hidden = false;
  } else if (state.store !== 'all' && !state.stores.some(s => s.code === state.store)) {
    state.unknownStore = state.store;
    state.store = 'all';
    showUnknownStore();
  }
  if (latest.status === 'rejected') {
    if (!signedInOrOpen()) {
      return;
    }
    state.latest = null;
  }
  state.compare = state.compare.filter(code => state.stores.some(s => s.code === code));
  applyPreset();
  if (!state.from) {
    state.preset = 'days30';
    applyPreset();
  }
  fillStores();
  actions.mount($('actions-panel'), () => state.store);
  loadAll();
}

start();
