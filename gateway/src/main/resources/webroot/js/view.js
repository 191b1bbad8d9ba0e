// The whole view in the address's hash: store, range or preset, city, compare set, ranking metric, product sort,
// each table's page, the orders search and the language. A view can be bookmarked, sent, reloaded, and Back steps
// through the views a person went through. Everything read from the hash is checked: a hand-edited link gives a
// valid view or the default, never a request the API would refuse.
import { parseDay, PRESETS } from './calendar.js';

const STORE = /^[A-Za-z0-9_-]{1,32}$/;
const METRICS = ['revenue', 'profit', 'orders', 'profit_margin', 'growth'];
const SORTS = ['revenue', 'quantity', 'gross_profit', 'gross_margin', 'orders'];
const AMOUNT = /^\d{1,9}(\.\d{1,2})?$/;
/** Hash key of each table's page. */
export const PAGE_KEYS = { productPage: 'pp', ordersPage: 'op', diagnosisPage: 'dp', rankingPage: 'rp', losingPage: 'lp' };
export const MAX_COMPARE = 4;

function page(value) {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100000 ? n : 1;
}

/** The view named by a hash; every member is valid (or absent, meaning the default). */
export function read(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const view = {
    store: STORE.test(p.get('store') || '') ? p.get('store') : null,
    preset: PRESETS.includes(p.get('preset')) ? p.get('preset') : null,
    from: parseDay(p.get('from')) !== null ? p.get('from') : null,
    to: parseDay(p.get('to')) !== null ? p.get('to') : null,
    city: (p.get('city') || '').trim().substring(0, 64) || null,
    compare: (p.get('cmp') || '').split(',').filter(code => STORE.test(code)).filter((c, i, all) => all.indexOf(c) === i)
      .slice(0, MAX_COMPARE),
    rankMetric: METRICS.includes(p.get('metric')) ? p.get('metric') : null,
    productSort: SORTS.includes(p.get('sort')) ? p.get('sort') : null,
    lang: ['zh', 'en'].includes(p.get('lang')) ? p.get('lang') : null,
    search: {
      q: (p.get('q') || '').substring(0, 100),
      channel: STORE.test(p.get('ch') || '') ? p.get('ch') : '',
      min: AMOUNT.test(p.get('min') || '') ? p.get('min') : '',
      max: AMOUNT.test(p.get('max') || '') ? p.get('max') : '',
      day: parseDay(p.get('day')) !== null ? p.get('day') : '',
      group: p.get('group') === 'order',
    },
  };
  for (const [member, key] of Object.entries(PAGE_KEYS)) {
    view[member] = page(p.get(key));
  }
  return view;
}

/** The hash of a view: only what differs from the defaults, in a fixed order, so one view is one address. */
export function write(state, lang) {
  const p = new URLSearchParams();
  p.set('store', state.store);
  if (state.preset) {
    p.set('preset', state.preset);
  } else {
    p.set('from', state.from);
    p.set('to', state.to);
  }
  if (state.city) {
    p.set('city', state.city);
  }
  if (state.compare.length) {
    p.set('cmp', state.compare.join(','));
  }
  if (state.rankMetric !== 'revenue') {
    p.set('metric', state.rankMetric);
  }
  if (state.productSort !== 'revenue') {
    p.set('sort', state.productSort);
  }
  for (const [member, key] of Object.entries(PAGE_KEYS)) {
    if (state[member] > 1) {
      p.set(key, String(state[member]));
    }
  }
  const s = state.search;
  for (const [key, value] of [['q', s.q], ['ch', s.channel], ['min', s.min], ['max', s.max], ['day', s.day]]) {
    if (value) {
      p.set(key, value);
    }
  }
  if (s.group) {
    p.set('group', 'order');
  }
  p.set('lang', lang);
  return '#' + p.toString();
}
