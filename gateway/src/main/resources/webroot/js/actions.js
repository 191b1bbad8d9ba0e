// 今日必做: the day's action list of the store picked on the page (docs/DESIGN.md §14.1). Three sections — urgent,
// watch, highlights — of items with their figures, a 3-day trend, the channel split, advice in the page's language
// and a link to the orders behind them; a day picker asks for another day. For "all" the items come grouped by store
// with each store's counts. The page hooks it in with one call: mount(container, () => state.store).
import { t, lang } from './i18n.js';
import { getJson, query } from './api.js';
import { el, clear } from './dom.js';
import { money, integer, percent, decimal, isNumber } from './format.js';

const SECTIONS = ['urgent', 'watch', 'highlights'];
/** How often the module looks whether the page's store changed (a pick in the ranking fires no change event). */
const STORE_CHECK_MS = 1000;
/** Figures written as money, as ratios, and as points; the others are counts or text. */
const MONEY = new Set(['profit', 'revenue', 'gross_profit', 'service_fee', 'delivery_cost', 'rebate', 'delivery_net_cost',
  'limit', 'excess', 'customer_delivery_fee', 'delivery_fee_discount', 'unit_price', 'unit_cost', 'cost', 'loss']);
const RATIOS = new Set(['change', 'profit_margin', 'previous_margin', 'gross_margin']);
/** The figures an item shows, per rule, in order: the rest stay in the answer (and in an export). */
const SHOWN = {
  losing_order: ['profit', 'gross_profit', 'service_fee', 'delivery_cost'],
  delivery_cost: ['delivery_net_cost', 'excess', 'distance_km'],
  stock_out: ['yesterday_quantity', 'yesterday_rank'],
  below_cost: ['unit_price', 'unit_cost', 'quantity', 'loss'],
  falling: ['quantity', 'previous_quantity', 'change'],
  unsold: ['days_without_sale', 'last_sale_day', 'stock'],
  new_product: ['quantity', 'revenue'],
  margin_falling: ['profit_margin', 'previous_margin', 'change_points'],
  top_seller: ['rank', 'quantity', 'revenue'],
  top_profit: ['rank', 'gross_profit', 'gross_margin'],
};

let container = null;
let storeOf = () => 'all';
let shown = { store: null, day: '' };
let data = null;
let loading = 0;

/** Draws the panel into {@code target} and keeps it to the store {@code currentStore()} names. */
export function mount(target, currentStore) {
  container = target;
  storeOf = currentStore;
  container.hidden = false;
  load();
  setInterval(() => {
    if (storeOf() !== shown.store) {
      shown.day = '';
      load();
    }
  }, STORE_CHECK_MS);
  document.getElementById('lang-toggle')?.addEventListener('click', () => render());
}

async function load() {
  const ticket = ++loading;
  shown.store = storeOf();
  renderMessage(t('loading'));
  try {
    const answer = await getJson('/api/v1/stores/' + encodeURIComponent(shown.store) + '/actions'
      + query({ day: shown.day }));
    if (ticket === loading) {
      data = answer;
      render();
    }
  } catch (e) {
    if (ticket === loading) {
      data = null;
      renderMessage(e.detail || String(e));
    }
  }
}

function header() {
  const picker = el('input', { type: 'date', value: data ? data.day : shown.day, 'aria-label': t('actionsDay') });
  picker.addEventListener('change', () => {
    shown.day = picker.value;
    load();
  });
  const counts = data ? SECTIONS.map(s => el('span', { class: 'muted' }, t('actions_' + s) + ' ' + data.counts[s])) : [];
  return el('div', { class: 'panel-head' }, el('h2', null, t('actionsTitle')),
    el('label', { class: 'inline' }, t('actionsDay'), picker), ...counts);
}

function renderMessage(text) {
  clear(container).append(header(), el('p', { class: 'panel-message' }, text));
}

function render() {
  if (!container || !data) {
    return;
  }
  clear(container).append(header());
  if (SECTIONS.every(s => data[s].length === 0)) {
    container.append(el('p', { class: 'panel-message' }, t('actionsNone')));
    return;
  }
  if (data.stores) {
    container.append(el('p', { class: 'muted' }, data.stores.filter(s => SECTIONS.some(x => s.counts[x] > 0))
      .map(s => s.code + ' ' + s.name + ': ' + SECTIONS.map(x => t('actions_' + x) + ' ' + s.counts[x]).join(' · '))
      .join('；')));
  }
  for (const section of SECTIONS) {
    const items = data[section];
    if (items.length === 0) {
      continue;
    }
    container.append(el('h3', null, t('actions_' + section) + ' (' + data.counts[section] + ')'),
      el('ul', { class: 'actions-list', dataset: { section } }, items.map(item)));
  }
}

function item(entry) {
  const subject = entry.subject.type === 'store' ? entry.subject.name : entry.subject.name + ' (' + entry.subject.id + ')';
  const figures = (SHOWN[entry.rule] || []).filter(name => name in entry.figures)
    .map(name => t('actionsFigure_' + name) + ' ' + figure(name, entry.figures[name])).join(' · ');
  const trend = entry.trend.map(p => p.day.substring(5) + ' ' + trendValue(entry, p.value)).join(' → ');
  const channels = entry.channels.map(c => c.name + ' ' + channelValue(entry, c.value)).join('，');
  return el('li', { dataset: { rule: entry.rule, store: entry.store } },
    el('strong', null, t('actionsRule_' + entry.rule)), ' ',
    data.stores ? entry.store + ' · ' : '', subject,
    el('div', null, figures),
    el('div', { class: 'muted' }, t('actionsTrend') + ' ' + trend + (channels ? ' · ' + t('actionsChannels') + ' ' + channels : '')),
    el('div', null, entry.advice[lang()] || entry.advice.zh),
    drillLink(entry.drill));
}

/** A link to the view behind an item, in the page's own hash form (store, from, to, and q for the orders view). */
function drillLink(drill) {
  const p = drill.params;
  const hash = new URLSearchParams({ store: p.store, from: p.from || p.day, to: p.to || p.day, view: drill.view });
  if (p.q) {
    hash.set('q', p.q);
  }
  return el('a', { href: '#' + hash.toString(), class: 'link', dataset: { drill: drill.view } }, t('actionsDrill'));
}

function figure(name, value) {
  if (MONEY.has(name)) {
    return money(value);
  }
  if (RATIOS.has(name)) {
    return percent(value);
  }
  if (name === 'change_points' || name === 'distance_km') {
    return isNumber(value) ? decimal(value, name === 'distance_km' ? 1 : 2) + (name === 'distance_km' ? ' km' : ' pp') : '—';
  }
  return isNumber(value) ? integer(value) : value === null ? '—' : String(value);
}

/** A trend value: a count of orders or units, money for a profit maker, the store's margin as a ratio. */
function trendValue(entry, value) {
  if (entry.rule === 'margin_falling') {
    return percent(value);
  }
  return entry.rule === 'top_profit' ? money(value) : isNumber(value) ? integer(value) : '—';
}

/** A channel's value: the order's profit or delivery cost, a channel's margin, or units of a product. */
function channelValue(entry, value) {
  if (entry.subject.type === 'order') {
    return money(value);
  }
  return entry.subject.type === 'store' ? percent(value) : integer(value);
}
