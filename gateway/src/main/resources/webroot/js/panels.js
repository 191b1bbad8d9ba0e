// One renderer per part of the dashboard. Each takes the API's JSON and the panel's body element. The figures are the
// chain's calculation standard (docs/DESIGN.md §4.1), labelled in its own words. The shapes are read tolerantly (a
// missing field shows as —) so that a field added or renamed by query-service degrades a column, not the page.
import { t, lang, has } from './i18n.js';
import { rowsOf, pick } from './api.js';
import { money, integer, percent, decimal, byUnit, change, isNumber, escapeHtml, marketingRateHigh } from './format.js';
import { el, clear, table } from './dom.js';
import { draw, available as chartsAvailable, channelColor, GRID } from './charts.js';

/** The KPI cards, in the order they are shown: the chain's figures (overview `kpis`). */
export const KPI_CARDS = ['revenue', 'orders', 'aov', 'profit', 'profit_margin', 'gross_profit', 'gmv', 'marketing_cost',
  'marketing_rate', 'delivery_net_cost', 'service_fee', 'active_products', 'profit_per_order', 'marketing_per_order',
  'delivery_per_order', 'items'];
const FLAGS = ['negative_margin', 'declining', 'markdown_dependent', 'slow_moving'];
const QUADRANTS = ['star', 'traffic', 'potential', 'laggard'];
const QUADRANT_COLORS = { star: '#27ae60', traffic: '#3a6ff7', potential: '#f2994a', laggard: '#eb5757' };
const COST_STRUCTURE = ['product_cost', 'consumables_cost', 'product_discount', 'other_marketing', 'delivery_cost', 'service_fee'];
const RATINGS = ['excellent', 'good', 'improve'];

/** Channel names by code, from the latest channels answer: the order lines name a channel by its code only. */
const channelNames = new Map();

let chartIds = 0;

/**
 * The panel's chart container: a picture with a name for a screen reader, described by a one-line text summary
 * printed under it (the figures in words, for anyone who cannot read the chart).
 */
function chartBox(body, label, summary) {
  let box = body.querySelector('.chart');
  if (!box) {
    chartIds += 1;
    box = el('div', { class: 'chart', role: 'img', id: 'chart-' + chartIds });
    body.prepend(box);
  }
  if (label) {
    box.setAttribute('aria-label', label);
  }
  if (summary) {
    const id = box.id + '-summary';
    box.after(el('p', { class: 'chart-summary', id }, summary));
    box.setAttribute('aria-describedby', id);
  }
  return box;
}

function num(value) {
  if (isNumber(value)) {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  return null;
}

/**
 * A channel as the page shows it: in Chinese the name the API gives (the chain's own), in English the page's name
 * for a channel it knows; else the name, else the code. Any code may come: channels are data.
 */
export function channelLabel(code, name) {
  if (code === undefined || code === null || code === '') {
    return name ? String(name) : '—';
  }
  const key = 'ch_' + String(code).toLowerCase();
  const known = name || channelNames.get(String(code));
  if (lang() !== 'zh' && has(key)) {
    return t(key);
  }
  if (known) {
    return String(known);
  }
  return has(key) ? t(key) : String(code);
}

/** The "above 15 %" mark of a 营销成本率: text, not colour alone. */
function marketingMark(value) {
  return marketingRateHigh(value)
    ? el('span', { class: 'mark-high', title: t('marketingHighHint') }, t('marketingHigh'))
    : null;
}

/** A 营销成本率 cell: the rate, and the mark when it is above the chain's limit. */
function marketingRateCell(value) {
  return el('span', { class: marketingRateHigh(value) ? 'rate-high' : null }, percent(value), marketingMark(value) ? ' ' : null,
    marketingMark(value));
}

function changeCell(name, value) {
  const delta = change(name, value);
  return el('span', { class: 'tone-' + delta.tone, dataset: { change: delta.direction, kind: delta.kind } }, delta.text);
}

// ---- KPIs -------------------------------------------------------------------------------------------------------

/** The previous value and its change, printed on the card (not only in a tooltip: a phone has none). */
function comparison(name, className, label, value, delta) {
  return el('div', { class: className + ' tone-' + delta.tone, dataset: { change: delta.direction, kind: delta.kind } },
    el('span', { class: 'kpi-change-text' }, label + ' ' + (delta.direction === 'none' ? '—' : delta.text)),
    el('span', { class: 'kpi-previous' }, ' · ' + t('was', { value: byUnit(name, value) })));
}

export function renderKpis(container, data) {
  const kpis = data.kpis || {};
  const changes = data.change || {};
  const previous = data.previous || {};
  // 同比: the same days a year before, only where the API found data there.
  const lastYear = data.previous_year && typeof data.previous_year === 'object' ? data.previous_year : null;
  const yearChanges = data.change_year || {};
  clear(container);
  for (const name of KPI_CARDS) {
    const value = num(kpis[name]);
    const delta = change(name, changes[name]);
    const high = name === 'marketing_rate' && marketingRateHigh(value);
    const dataset = { kpi: name, value: value === null ? '' : String(value), change: delta.direction, changeKind: delta.kind,
      previous: num(previous[name]) === null ? '' : String(num(previous[name])) };
    if (high) {
      dataset.alert = 'high';
    }
    const card = el('div', { class: 'kpi' + (high ? ' kpi-alert' : ''), dataset, role: 'listitem' },
      el('div', { class: 'kpi-name' }, t('kpi_' + name)),
      el('div', { class: 'kpi-value' }, byUnit(name, value)),
      delta.direction === 'none' && num(previous[name]) === null
        ? el('div', { class: 'kpi-change tone-neutral' }, t('noPrevious'))
        : comparison(name, 'kpi-change', t('vsPrevious'), num(previous[name]), delta));
    if (lastYear && lastYear[name] !== undefined && lastYear[name] !== null) {
      const yearDelta = change(name, yearChanges[name]);
      card.dataset.yearChangeKind = yearDelta.kind;
      card.append(comparison(name, 'kpi-change kpi-year', t('vsLastYear'), num(lastYear[name]), yearDelta));
    }
    if (name === 'orders') {
      // 无效订单 beside 订单数: cancelled or refunded orders, in no figure.
      const invalid = num(kpis.invalid_orders);
      card.append(el('div', { class: 'kpi-sub kpi-invalid', title: t('invalidHint'),
        dataset: { value: invalid === null ? '' : String(invalid) } }, t('invalidBeside', { count: integer(invalid) })));
    }
    if (high) {
      card.append(el('div', { class: 'kpi-sub' }, marketingMark(value)));
    }
    if (name === 'delivery_net_cost' && value !== null && value < 0) {
      card.append(el('div', { class: 'kpi-sub muted' }, t('deliveryEarned')));
    }
    container.append(card);
  }
}

// ---- Trend ------------------------------------------------------------------------------------------------------

function sum(values) {
  return values.reduce((total, v) => total + (v || 0), 0);
}

/** The trend's summary in words: totals of this and the previous period, the best and the worst day. */
function trendSummary(days, revenue, previousRevenue) {
  let best = 0;
  let worst = 0;
  revenue.forEach((v, i) => {
    best = (v || 0) > (revenue[best] || 0) ? i : best;
    worst = (v || 0) < (revenue[worst] || 0) ? i : worst;
  });
  return t('sum_trend', { days: days.length, total: money(sum(revenue)), best: days[best], bestValue: money(revenue[best]),
    worst: days[worst], worstValue: money(revenue[worst]) })
    + (previousRevenue.length ? ' ' + t('sum_trend_previous', { total: money(sum(previousRevenue)) }) : '');
}

export function renderTrend(body, data) {
  const rows = rowsOf(data, ['days', 'series', 'points', 'trend', 'daily']);
  if (!rows.length) {
    return false;
  }
  const days = rows.map(r => String(pick(r, ['day', 'date'], '')));
  const revenue = rows.map(r => num(pick(r, ['revenue'])));
  const profit = rows.map(r => num(pick(r, ['profit'])));
  const orders = rows.map(r => num(pick(r, ['orders'])));
  const invalid = rows.map(r => num(pick(r, ['invalid_orders'])));
  // The previous period, day by day beside this one's (its first day under this one's first), when the API gives it.
  const before = data.previous && Array.isArray(data.previous.days) ? data.previous.days : [];
  const previousRevenue = before.map(r => num(pick(r, ['revenue'])));
  const series = [
    { name: t('series_revenue'), type: 'line', smooth: 0.3, smoothMonotone: 'x', showSymbol: false, data: revenue, areaStyle: { opacity: 0.08 } },
    { name: t('series_profit'), type: 'line', smooth: 0.3, smoothMonotone: 'x', showSymbol: false, data: profit },
    { name: t('series_orders'), type: 'bar', stack: 'orders', yAxisIndex: 1, data: orders, itemStyle: { opacity: 0.35 }, barMaxWidth: 14 },
  ];
  if (previousRevenue.length) {
    series.push({ name: t('series_previous_revenue'), type: 'line', smooth: 0.3, showSymbol: false,
      data: previousRevenue.slice(0, days.length), lineStyle: { type: 'dashed', width: 1.5, opacity: 0.45, color: '#6b778c' },
      itemStyle: { color: '#6b778c' }, z: 1 });
  }
  if (invalid.some(v => v !== null && v > 0)) {
    series.push({ name: t('series_invalid_orders'), type: 'bar', stack: 'orders', yAxisIndex: 1, data: invalid,
      itemStyle: { color: '#eb5757', opacity: 0.6 }, barMaxWidth: 14 });
  }
  const box = chartBox(body, t('chart_trend'), trendSummary(days, revenue, previousRevenue));
  box.dataset.previous = String(previousRevenue.length > 0);
  const drawn = draw(box, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: 'category', data: days, axisLabel: { formatter: v => v.substring(5) } },
    yAxis: [{ type: 'value', axisLabel: { formatter: v => decimal(v, 0) } }, { type: 'value', splitLine: { show: false } }],
    series,
  });
  if (!drawn) {
    fallbackList(body, rows.slice(-10).map(r => [pick(r, ['day', 'date'], ''), money(num(pick(r, ['revenue'])))]));
  }
  return true;
}

// ---- Channels -----------------------------------------------------------------------------------------------------

function ratingChip(row) {
  const rating = String(pick(row, ['rating'], '')).toLowerCase();
  if (!RATINGS.includes(rating)) {
    return '—';
  }
  // In Chinese the API's own label (优秀, 良好, 需改进); in English the page's.
  const label = lang() === 'zh' && row.rating_label ? String(row.rating_label) : t('rating_' + rating);
  return el('span', { class: 'chip rating rating-' + rating, dataset: { rating } }, label);
}

function channelCell(row) {
  const code = pick(row, ['channel', 'code'], '');
  const charges = row.charges_fee;
  return el('span', { class: 'channel-name', title: charges === true ? t('chargesFee') : charges === false ? t('noFee') : null },
    el('span', { class: 'swatch', 'aria-hidden': 'true', style: 'background:' + channelColor(code) }),
    channelLabel(code, row.name));
}

export function renderChannels(body, data) {
  const rows = rowsOf(data, ['channels', 'rows', 'breakdown']);
  for (const r of rows) {
    const code = pick(r, ['channel', 'code']);
    if (code && r.name) {
      channelNames.set(String(code), String(r.name));
    }
  }
  if (!rows.length) {
    return false;
  }
  const items = rows.map(r => {
    const code = pick(r, ['channel', 'code'], '');
    return {
      name: channelLabel(code, r.name),
      value: num(pick(r, ['revenue'])) || 0,
      itemStyle: { color: channelColor(code) },
    };
  });
  const top = items.slice().sort((a, b) => b.value - a.value)[0];
  const total = sum(items.map(i => i.value));
  const drawn = draw(chartBox(body, t('chart_channels'), t('sum_channels', { count: items.length, top: top.name,
    share: percent(total > 0 ? top.value / total : null) })), {
    // Channel names come from imported files: escaped here rather than trusting the chart library's default.
    tooltip: { trigger: 'item', formatter: p => escapeHtml(p.name) + ': ' + money(p.value) + ' (' + p.percent + '%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['38%', '68%'], center: ['50%', '45%'], data: items.filter(i => i.value > 0),
      label: { formatter: '{b}\n{d}%' } }],
  });
  if (!drawn) {
    fallbackList(body, items.map(i => [i.name, money(i.value)]));
  }

  const figures = [
    { label: t('col_channel') },
    { label: t('kpi_revenue'), numeric: true },
    { label: t('col_revenue_share'), numeric: true },
    { label: t('kpi_orders'), numeric: true },
    { label: t('kpi_invalid_orders'), numeric: true },
    { label: t('col_order_share'), numeric: true },
    { label: t('kpi_aov'), numeric: true },
    { label: t('kpi_profit'), numeric: true },
    { label: t('kpi_profit_margin'), numeric: true },
    { label: t('kpi_marketing_rate'), numeric: true },
    { label: t('kpi_profit_per_order'), numeric: true },
    { label: t('kpi_marketing_per_order'), numeric: true },
    { label: t('kpi_delivery_per_order'), numeric: true },
    { label: t('kpi_revenue') + ' ' + t('col_change'), numeric: true },
    { label: t('kpi_profit_margin') + ' ' + t('col_change'), numeric: true },
    { label: t('col_rating') },
  ];
  const changes = r => r.change || {};
  body.append(table(figures, rows.map(r => ({
    attrs: { dataset: { channel: String(pick(r, ['channel', 'code'], '')), rating: r.rating || '' } },
    cells: [
      channelCell(r),
      money(num(r.revenue)),
      percent(num(r.revenue_share)),
      integer(num(r.orders)),
      integer(num(r.invalid_orders)),
      percent(num(r.order_share)),
      money(num(r.aov)),
      money(num(r.profit)),
      percent(num(r.profit_margin)),
      marketingRateCell(num(r.marketing_rate)),
      money(num(r.profit_per_order)),
      money(num(r.marketing_per_order)),
      money(num(r.delivery_per_order)),
      changeCell('revenue', changes(r).revenue),
      changeCell('profit_margin', changes(r).profit_margin),
      ratingChip(r),
    ],
  })), { className: 'data-table channel-table', caption: t('channelFigures') }));

  const structure = [{ label: t('col_channel') }]
    .concat(COST_STRUCTURE.map(key => ({ label: t('cs_' + key), numeric: true })))
    .concat([{ label: t('kpi_profit_margin'), numeric: true }]);
  body.append(table(structure, rows.map(r => {
    const rates = r.cost_structure || {};
    return {
      attrs: { dataset: { channel: String(pick(r, ['channel', 'code'], '')) } },
      cells: [channelCell(r)].concat(COST_STRUCTURE.map(key => percent(num(rates[key])))).concat([percent(num(r.profit_margin))]),
    };
  }), { className: 'data-table cost-structure', caption: t('costStructure') }));
  return true;
}

// ---- Categories ---------------------------------------------------------------------------------------------------

export function renderCategories(body, data) {
  const rows = rowsOf(data, ['categories', 'rows', 'breakdown']);
  if (!rows.length) {
    return false;
  }
  const items = rows
    .map(r => ({ name: String(pick(r, ['category', 'name', 'label'], '—')), value: num(pick(r, ['revenue'])) || 0 }))
    .sort((a, b) => b.value - a.value)
    .slice(0, 12)
    .reverse();
  const first = items[items.length - 1];
  const drawn = draw(chartBox(body, t('chart_categories'), t('sum_categories', { count: rows.length, top: first.name,
    value: money(first.value) })), {
    // Category names come from imported files: escaped here rather than trusting the chart library's default.
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: ps => escapeHtml(ps[0].name) + ': ' + money(ps[0].value) },
    grid: Object.assign({}, GRID, { top: 8 }),
    xAxis: { type: 'value', axisLabel: { formatter: v => decimal(v, 0) } },
    yAxis: { type: 'category', data: items.map(i => i.name), axisLabel: { width: 90, overflow: 'truncate' } },
    series: [{ name: t('series_revenue'), type: 'bar', data: items.map(i => i.value), barMaxWidth: 18 }],
  });
  if (!drawn) {
    fallbackList(body, items.reverse().map(i => [i.name, money(i.value)]));
  }
  return true;
}

// ---- Hours, day parts and distance bands --------------------------------------------------------------------------

function dayPartName(name) {
  return has('dp_' + name) ? t('dp_' + name) : String(name);
}

function bandLabel(band) {
  const from = num(band.from_km);
  const to = num(band.to_km);
  if (from === null) {
    return String(pick(band, ['band'], '—'));
  }
  return to === null ? t('bandLast', { from }) : t('bandLabel', { from, to });
}

export function renderHours(body, data) {
  const rows = rowsOf(data, ['hours', 'rows', 'breakdown']);
  if (!rows.length) {
    return false;
  }
  const byHour = new Array(24).fill(0);
  const revenueByHour = new Array(24).fill(0);
  let any = false;
  for (const r of rows) {
    const hour = num(pick(r, ['hour', 'h']));
    if (hour !== null && hour >= 0 && hour < 24) {
      byHour[hour] = num(pick(r, ['orders'])) || 0;
      revenueByHour[hour] = num(pick(r, ['revenue'])) || 0;
      any = any || byHour[hour] > 0;
    }
  }
  if (!any) {
    return false;
  }
  const peak = byHour.indexOf(Math.max(...byHour));
  const drawn = draw(chartBox(body, t('chart_hours'), t('sum_hours', { hour: t('hourLabel', { hour: peak }),
    orders: integer(byHour[peak]) })), {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: 'category', data: byHour.map((_, h) => t('hourLabel', { hour: h })) },
    yAxis: [{ type: 'value' }, { type: 'value', splitLine: { show: false }, axisLabel: { formatter: v => decimal(v, 0) } }],
    series: [
      { name: t('series_orders'), type: 'bar', data: byHour, barMaxWidth: 16 },
      { name: t('series_revenue'), type: 'line', yAxisIndex: 1, smooth: 0.3, smoothMonotone: 'x', showSymbol: false, data: revenueByHour },
    ],
  });
  if (!drawn) {
    fallbackList(body, byHour.map((v, h) => [t('hourLabel', { hour: h }), integer(v)]));
  }

  const parts = Array.isArray(data.day_parts) ? data.day_parts : [];
  const tables = el('div', { class: 'split' });
  if (parts.length) {
    const headers = [
      { label: t('col_day_part') }, { label: t('col_hours') }, { label: t('kpi_orders'), numeric: true },
      { label: t('col_order_share'), numeric: true }, { label: t('kpi_revenue'), numeric: true },
      { label: t('kpi_aov'), numeric: true }, { label: t('kpi_profit_per_order'), numeric: true },
    ];
    tables.append(table(headers, parts.map(p => ({
      attrs: { dataset: { dayPart: String(p.name || '') } },
      cells: [
        dayPartName(p.name),
        t('hourRange', { from: p.from, to: p.to }),
        integer(num(p.orders)),
        percent(num(p.order_share)),
        money(num(p.revenue)),
        money(num(p.aov)),
        money(num(p.profit_per_order)),
      ],
    })), { className: 'data-table day-parts', caption: t('dayParts') }));
  }
  const bands = Array.isArray(data.distance_bands) ? data.distance_bands : null;
  if (bands && bands.length) {
    const headers = [
      { label: t('col_distance') }, { label: t('kpi_orders'), numeric: true }, { label: t('col_order_share'), numeric: true },
      { label: t('kpi_aov'), numeric: true }, { label: t('kpi_profit_per_order'), numeric: true },
      { label: t('kpi_delivery_per_order'), numeric: true },
    ];
    tables.append(table(headers, bands.map(b => ({
      attrs: { dataset: { band: String(b.band || '') } },
      cells: [
        bandLabel(b),
        integer(num(b.orders)),
        percent(num(b.order_share)),
        money(num(b.aov)),
        money(num(b.profit_per_order)),
        money(num(b.delivery_per_order)),
      ],
    })), { className: 'data-table distance-bands', caption: t('distanceBands') }));
  } else {
    tables.append(el('p', { class: 'muted distance-bands-none' }, t('noDistances')));
  }
  body.append(tables);
  return true;
}

function fallbackList(body, pairs) {
  const list = el('dl', { class: 'fallback-list' });
  for (const [k, v] of pairs) {
    list.append(el('dt', null, k), el('dd', null, v));
  }
  body.append(list);
}

// ---- Ranking ----------------------------------------------------------------------------------------------------

export function renderRanking(body, data, metric, selectedStore, onPick) {
  const rows = rowsOf(data, ['stores', 'ranking', 'rows']);
  if (!rows.length) {
    return false;
  }
  const headers = [
    { label: t('col_rank'), numeric: true },
    { label: t('col_store') },
    { label: t('metric_' + metric), numeric: true },
    { label: t('col_change'), numeric: true },
    { label: t('kpi_marketing_rate'), numeric: true },
  ];
  const selected = Math.max(0, rows.findIndex(r => pick(r, ['code', 'store', 'store_code'], '') === selectedStore));
  const tableRows = rows.map((r, i) => {
    const code = pick(r, ['code', 'store', 'store_code'], '');
    const name = pick(r, ['name', 'store_name'], '');
    const value = num(pick(r, ['value', metric]));
    return {
      // One tab stop for the whole ranking: the chosen row (else the first) is in the tab order, the arrows move.
      attrs: { class: code === selectedStore ? 'selected' : null, dataset: { store: code }, tabindex: i === selected ? '0' : '-1',
        'aria-selected': String(code === selectedStore), onclick: () => onPick(code), onkeydown: e => rankingKey(e, code, onPick) },
      cells: [
        String(pick(r, ['rank'], i + 1)),
        el('span', null, el('strong', null, code), ' ', name, r.city ? el('span', { class: 'muted' }, ' · ' + r.city) : null),
        byUnit(metric, value),
        // Growth is a change itself: it has no 环比 of its own.
        metric === 'growth' ? '' : changeCell(metric, r.change),
        marketingRateCell(num(r.marketing_rate)),
      ],
    };
  });
  const wrap = table(headers, tableRows, { className: 'data-table clickable ranking-table', caption: t('rankingCaption') });
  // The rows are the tab stop; the wrapper need not be one too.
  wrap.removeAttribute('tabindex');
  wrap.querySelector('table').setAttribute('role', 'grid');
  body.append(wrap);
  return true;
}

function rankingKey(event, code, onPick) {
  const row = event.currentTarget;
  const next = event.key === 'ArrowDown' ? row.nextElementSibling : event.key === 'ArrowUp' ? row.previousElementSibling
    : event.key === 'Home' ? row.parentElement.firstElementChild : event.key === 'End' ? row.parentElement.lastElementChild : null;
  if (next) {
    event.preventDefault();
    row.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  } else if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    onPick(code);
  }
}

// ---- The chain's money-losing products ------------------------------------------------------------------------------

export function renderLosing(body, data) {
  const rows = rowsOf(data, ['products', 'items', 'rows']);
  if (!rows.length) {
    body.append(el('p', { class: 'muted losing-none' }, t('noLosing')));
    return true;
  }
  const headers = [
    { label: t('col_product') }, { label: t('col_quantity'), numeric: true }, { label: t('col_revenue'), numeric: true },
    { label: t('col_gross_profit'), numeric: true }, { label: t('col_losing_stores') },
  ];
  body.append(table(headers, rows.map(r => ({
    attrs: { dataset: { sku: String(pick(r, ['sku'], '')) } },
    cells: [
      el('span', null, String(pick(r, ['name', 'product_name', 'sku'], '—')), r.sku ? el('span', { class: 'muted' }, ' ' + r.sku) : null),
      integer(num(r.quantity)),
      money(num(r.revenue)),
      el('span', { class: 'tone-bad' }, money(num(r.gross_profit))),
      el('ul', { class: 'store-losses' }, (Array.isArray(r.stores) ? r.stores : []).map(st =>
        el('li', null, el('strong', null, String(st.code || '')), ' ', String(st.name || ''), ' ', money(num(st.gross_profit))))),
    ],
  })), { className: 'data-table cards-on-phone', label: t('panelLosing') }));
  return true;
}

// ---- Compare 2–4 stores -----------------------------------------------------------------------------------------------

const COMPARE_KPIS = ['revenue', 'orders', 'aov', 'profit', 'profit_margin', 'marketing_rate'];

/** Side by side: one card per store with the main figures and their 环比, then their revenue trends overlaid. */
export function renderCompare(body, columns) {
  clear(body);
  const cards = el('div', { class: 'compare-cards', role: 'list' });
  for (const column of columns) {
    const kpis = column.overview ? column.overview.kpis || {} : {};
    const changes = column.overview ? column.overview.change || {} : {};
    const card = el('div', { class: 'compare-card', role: 'listitem', dataset: { store: column.code } },
      el('h3', null, column.code + ' ' + column.name));
    if (column.error) {
      card.append(el('p', { class: 'panel-message' }, column.error));
    } else {
      const list = el('dl', null);
      for (const name of COMPARE_KPIS) {
        const delta = change(name, changes[name]);
        list.append(el('dt', null, t('kpi_' + name)), el('dd', { dataset: { kpi: name, value: String(num(kpis[name]) ?? '') } },
          byUnit(name, num(kpis[name])), ' ', el('span', { class: 'tone-' + delta.tone }, delta.text)));
      }
      card.append(list);
    }
    cards.append(card);
  }
  body.append(cards);
  const withTrend = columns.filter(c => c.trend);
  const days = withTrend.length ? rowsOf(withTrend[0].trend, ['days']).map(r => String(pick(r, ['day', 'date'], ''))) : [];
  const box = el('div', { class: 'chart', role: 'img' });
  body.append(box);
  const totals = withTrend.map(c => c.code + ' ' + money(sum(rowsOf(c.trend, ['days']).map(r => num(r.revenue))))).join('，');
  box.setAttribute('aria-label', t('chart_compare'));
  box.id = 'chart-compare';
  box.after(el('p', { class: 'chart-summary', id: 'chart-compare-summary' }, t('sum_compare', { totals })));
  box.setAttribute('aria-describedby', 'chart-compare-summary');
  box.dataset.series = String(withTrend.length);
  draw(box, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: 'category', data: days, axisLabel: { formatter: v => v.substring(5) } },
    yAxis: { type: 'value', axisLabel: { formatter: v => decimal(v, 0) } },
    series: withTrend.map(c => ({ name: c.code + ' ' + t('series_revenue'), type: 'line', smooth: 0.3, showSymbol: false,
      data: rowsOf(c.trend, ['days']).map(r => num(r.revenue)) })),
  });
}

// ---- Freshness and coverage --------------------------------------------------------------------------------------------

function latestOf(values) {
  return values.filter(Boolean).sort().pop() || null;
}

function earliestOf(values) {
  return values.filter(Boolean).sort()[0] || null;
}

function storesIn(stores, store) {
  return store === 'all' ? stores : stores.filter(s => s.code === store);
}

/** "数据截至" and "最近导入" of the store or of the chain, from the stores view (null where it does not say). */
export function freshness(answer, stores, store) {
  const chain = answer && store === 'all' ? answer.chain || answer.totals || answer : {};
  const shown = storesIn(stores, store);
  return {
    newest: chain.newest_order_at || latestOf(shown.map(s => s.newest_order_at)),
    imported: chain.last_import_at || latestOf(shown.map(s => s.last_import_at)),
  };
}

/** The days the data covers, for the empty range's banner: from the stores view, else up to the newest day. */
export function coverage(answer, stores, store, latest) {
  const chain = answer && store === 'all' ? answer.chain || answer.totals || answer : {};
  const shown = storesIn(stores, store);
  return {
    from: chain.first_day || earliestOf(shown.map(s => s.first_day)),
    to: chain.last_day || latestOf(shown.map(s => s.last_day)) || latest,
  };
}

// ---- Diagnosis --------------------------------------------------------------------------------------------------

function median(values) {
  const sorted = values.filter(v => v !== null).sort((a, b) => a - b);
  if (!sorted.length) {
    return null;
  }
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function flagCode(flag) {
  if (typeof flag === 'string') {
    return flag;
  }
  return pick(flag, ['code', 'flag', 'name', 'id'], '');
}

/** The advice for a product in the page's language: from the API when it gives some, else the page's own. */
function adviceOf(product, flags) {
  const language = lang();
  const texts = [];
  const add = value => {
    if (!value) {
      return;
    }
    if (typeof value === 'string') {
      texts.push(value);
    } else if (typeof value === 'object') {
      const text = value[language] || value[language === 'zh' ? 'zh_CN' : 'en_US'] || pick(value, ['text', 'advice']);
      if (text) {
        texts.push(text);
      }
    }
  };
  for (const flag of Array.isArray(product.flags) ? product.flags : []) {
    if (typeof flag === 'object') {
      add(pick(flag, ['recommendation', 'advice', 'action']));
    }
  }
  const recs = product.recommendations || product.advice;
  if (Array.isArray(recs)) {
    recs.forEach(r => add(typeof r === 'object' && (r.recommendation || r.advice) ? (r.recommendation || r.advice) : r));
  } else if (recs && typeof recs === 'object') {
    if (recs.zh || recs.en) {
      add(recs);
    } else {
      Object.values(recs).forEach(add);
    }
  }
  if (!texts.length) {
    for (const code of flags) {
      if (has('advice_' + code)) {
        texts.push(t('advice_' + code));
      }
    }
  }
  return texts;
}

export function renderDiagnosis(body, data, header) {
  const products = rowsOf(data, ['products', 'items', 'rows']);
  if (!products.length) {
    return false;
  }
  const points = products.map(p => {
    const flags = (Array.isArray(p.flags) ? p.flags : []).map(flagCode).filter(Boolean);
    return {
      raw: p,
      name: String(pick(p, ['name', 'product_name', 'product', 'sku'], '—')),
      sku: pick(p, ['sku', 'product_sku'], ''),
      quantity: num(pick(p, ['quantity', 'qty'])),
      margin: num(pick(p, ['gross_margin', 'margin'])),
      revenue: num(pick(p, ['revenue'])) || 0,
      quadrant: String(pick(p, ['quadrant'], '')).toLowerCase(),
      score: num(pick(p, ['score', 'health'])),
      flags,
    };
  });
  const medians = data.medians || {};
  const medianQty = num(medians.quantity) !== null ? num(medians.quantity) : median(points.map(p => p.quantity));
  const medianMargin = num(medians.gross_margin) !== null ? num(medians.gross_margin) : median(points.map(p => p.margin));
  const health = num(pick(data, ['health', 'store_health', 'score']));
  if (header) {
    header.textContent = health === null ? '' : t('storeHealth') + ' ' + decimal(health, 1);
  }
  const maxRevenue = Math.max(1, ...points.map(p => p.revenue));
  const series = QUADRANTS.map(q => ({
    name: t('q_' + q),
    type: 'scatter',
    itemStyle: { color: QUADRANT_COLORS[q], opacity: 0.8 },
    symbolSize: value => 6 + 22 * Math.sqrt(Math.max(0, value[2]) / maxRevenue),
    data: points.filter(p => p.quadrant === q).map(p => [p.quantity, p.margin, p.revenue, p.name]),
  }));
  const other = points.filter(p => !QUADRANTS.includes(p.quadrant));
  if (other.length) {
    series.push({ name: '—', type: 'scatter', data: other.map(p => [p.quantity, p.margin, p.revenue, p.name]) });
  }
  if (medianQty !== null && medianMargin !== null) {
    series[0].markLine = {
      silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#8a94a6' }, label: { show: false },
      data: [{ xAxis: medianQty }, { yAxis: medianMargin }],
    };
  }
  const counts = QUADRANTS.map(q => t('q_' + q) + ' ' + points.filter(p => p.quadrant === q).length).join('，');
  draw(chartBox(body, t('chart_diagnosis'), t('sum_diagnosis', { count: points.length, counts })), {
    tooltip: {
      trigger: 'item',
      formatter: p => escapeHtml(p.value[3]) + '<br>' + t('col_quantity') + ': ' + integer(p.value[0]) + '<br>'
        + t('col_gross_margin') + ': ' + percent(p.value[1]) + '<br>' + t('col_revenue') + ': ' + money(p.value[2]),
    },
    legend: { top: 0 },
    grid: Object.assign({}, GRID, { bottom: 28 }),
    xAxis: { type: 'log', name: t('col_quantity'), nameLocation: 'middle', nameGap: 26, min: 1 },
    yAxis: { type: 'value', name: t('col_gross_margin'), axisLabel: { formatter: v => percent(v, 0) } },
    series,
  });
  const worstFirst = points.slice().sort((a, b) => (a.score === null ? 101 : a.score) - (b.score === null ? 101 : b.score)
    || b.revenue - a.revenue);
  const headers = [
    { label: t('col_product') }, { label: t('col_quadrant') }, { label: t('col_quantity'), numeric: true },
    { label: t('col_gross_margin'), numeric: true }, { label: t('col_score'), numeric: true },
    { label: t('col_flags') }, { label: t('col_advice') },
  ];
  const rows = worstFirst.map(p => ({
    attrs: { dataset: { quadrant: p.quadrant, flags: p.flags.join(' ') } },
    cells: [
      el('span', null, p.name, p.sku ? el('span', { class: 'muted' }, ' ' + p.sku) : null),
      el('span', { class: 'chip quadrant-' + p.quadrant }, has('q_' + p.quadrant) ? t('q_' + p.quadrant) : p.quadrant || '—'),
      integer(p.quantity),
      percent(p.margin),
      decimal(p.score, 0),
      p.flags.length ? el('span', null, p.flags.map(f => el('span', { class: 'chip flag flag-' + f }, has('flag_' + f) ? t('flag_' + f) : f)))
        : el('span', { class: 'chip ok' }, t('noFlags')),
      el('ul', { class: 'advice' }, adviceOf(p.raw, p.flags).map(text => el('li', null, text))),
    ],
  }));
  body.append(el('div', { class: 'scroll-y' }, table(headers, rows, { className: 'data-table cards-on-phone', label: t('panelDiagnosis') })));
  return true;
}

// ---- Products and orders (paged tables) ---------------------------------------------------------------------------

export function renderProducts(body, data) {
  const rows = rowsOf(data, ['products', 'items', 'rows']);
  if (!rows.length) {
    return false;
  }
  const headers = [
    { label: t('col_product') }, { label: t('col_category') }, { label: t('col_quantity'), numeric: true },
    { label: t('col_revenue'), numeric: true }, { label: t('col_gross_profit'), numeric: true },
    { label: t('col_gross_margin'), numeric: true }, { label: t('col_orders'), numeric: true },
  ];
  body.append(table(headers, rows.map(r => ({
    cells: [
      el('span', null, String(pick(r, ['name', 'product_name', 'sku'], '—')), r.sku ? el('span', { class: 'muted' }, ' ' + r.sku) : null),
      String(pick(r, ['category'], '—')),
      integer(num(pick(r, ['quantity', 'qty']))),
      money(num(pick(r, ['revenue']))),
      money(num(pick(r, ['gross_profit']))),
      percent(num(pick(r, ['gross_margin']))),
      integer(num(pick(r, ['orders']))),
    ],
  })), { label: t('panelProducts') }));
  return true;
}

function orderTime(value) {
  return String(value || '—').replace('T', ' ').replace(/(\+\d\d:\d\d|Z)$/, '');
}

function validChip(valid) {
  return el('span', { class: 'chip ' + (valid ? 'ok' : 'flag') }, valid ? t('orderValid') : t('orderInvalid'));
}

/** The order lines: every line, those of cancelled or refunded orders too, marked in words as well as in colour. */
export function renderOrders(body, data) {
  if (Array.isArray(data.orders) && data.orders.length && Array.isArray(data.orders[0].lines)) {
    return renderOrderGroups(body, data.orders);
  }
  const rows = rowsOf(data, ['lines', 'orders', 'items', 'rows']);
  if (!rows.length) {
    return false;
  }
  const headers = [
    { label: t('col_order_id') }, { label: t('col_time') }, { label: t('col_channel') }, { label: t('col_product') },
    { label: t('col_quantity'), numeric: true }, { label: t('col_unit_price'), numeric: true },
    { label: t('col_list_price'), numeric: true }, { label: t('col_line_revenue'), numeric: true },
    { label: t('col_cost'), numeric: true }, { label: t('col_line_gross_profit'), numeric: true },
    { label: t('col_service_fee'), numeric: true }, { label: t('col_status') },
  ];
  body.append(table(headers, rows.map(r => {
    const qty = num(pick(r, ['quantity', 'qty']));
    const price = num(pick(r, ['unit_price', 'price']));
    const revenue = num(pick(r, ['revenue']));
    const valid = r.valid_order !== false;
    return {
      attrs: { class: valid ? null : 'invalid-order', dataset: { valid: String(valid), order: String(pick(r, ['order_id'], '')) } },
      cells: [
        String(pick(r, ['order_id', 'order', 'id'], '—')),
        orderTime(pick(r, ['ordered_at', 'time', 'created_at'])),
        channelLabel(pick(r, ['channel'])),
        el('span', null, String(pick(r, ['product_name', 'name', 'sku'], '—')), r.sku ? el('span', { class: 'muted' }, ' ' + r.sku) : null),
        integer(qty),
        money(price),
        money(num(pick(r, ['list_price']))),
        money(revenue !== null ? revenue : qty !== null && price !== null ? Math.round(qty * price * 100) / 100 : null),
        money(num(pick(r, ['cost']))),
        money(num(pick(r, ['gross_profit']))),
        money(num(pick(r, ['service_fee']))),
        validChip(valid),
      ],
    };
  }), { className: 'data-table cards-on-phone orders-table', label: t('panelOrders') }));
  return true;
}

/** Lines grouped by order (group=order): one row per order with its totals, its lines listed in it. */
function renderOrderGroups(body, orders) {
  const headers = [
    { label: t('col_order_id') }, { label: t('col_time') }, { label: t('col_channel') }, { label: t('col_lines') },
    { label: t('col_items'), numeric: true }, { label: t('col_revenue'), numeric: true },
    { label: t('col_gross_profit'), numeric: true }, { label: t('kpi_profit'), numeric: true }, { label: t('col_status') },
  ];
  body.append(table(headers, orders.map(o => {
    const totals = o.totals || {};
    const valid = o.valid_order !== false;
    return {
      attrs: { class: valid ? null : 'invalid-order', dataset: { valid: String(valid), order: String(o.order_id || '') } },
      cells: [
        String(o.order_id || '—'),
        orderTime(o.ordered_at),
        channelLabel(o.channel),
        el('ul', { class: 'order-lines' }, o.lines.map(l => el('li', null,
          String(pick(l, ['product_name', 'name', 'sku'], '—')) + ' × ' + integer(num(l.quantity)) + ' · ' + money(num(l.revenue))))),
        integer(num(totals.items)),
        money(num(totals.revenue)),
        money(num(totals.gross_profit)),
        money(num(totals.profit)),
        validChip(valid),
      ],
    };
  }), { className: 'data-table cards-on-phone orders-table grouped', label: t('panelOrders') }));
  return true;
}

/** Page, size and total of a paged answer, whatever the names. */
export function pageInfo(data, page, size, rowsShown) {
  const total = num(pick(data, ['total', 'total_rows', 'count', 'total_count']));
  const pages = num(pick(data, ['pages', 'total_pages']));
  const hasNext = pages !== null ? page < pages : total !== null ? page * size < total : rowsShown >= size;
  return { total, hasNext };
}

export function chartsAreAvailable() {
  return chartsAvailable();
}
