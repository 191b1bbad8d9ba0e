// One renderer per part of the dashboard. Each takes the API's JSON and the panel's body element. The shapes are
// read tolerantly (several field names are accepted) so that a field added or renamed by query-service degrades a
// column, not the page.
import { t, lang, has } from './i18n.js';
import { rowsOf, pick } from './api.js';
import { money, integer, percent, decimal, byUnit, change, isNumber, escapeHtml } from './format.js';
import { el, clear, table } from './dom.js';
import { draw, available as chartsAvailable, GRID } from './charts.js';

export const KPI_CARDS = ['revenue', 'orders', 'aov', 'gross_profit', 'gross_margin', 'profit', 'profit_margin', 'discount_rate'];
const FLAGS = ['negative_margin', 'declining', 'markdown_dependent', 'slow_moving'];
const QUADRANTS = ['star', 'traffic', 'potential', 'laggard'];
const QUADRANT_COLORS = { star: '#27ae60', traffic: '#3a6ff7', potential: '#f2994a', laggard: '#eb5757' };
const CHANNEL_CODES = { '美团': 'meituan', '饿了么': 'eleme', '京东到家': 'jddj', '线下': 'offline' };

function chartBox(body) {
  let box = body.querySelector('.chart');
  if (!box) {
    box = el('div', { class: 'chart', role: 'img' });
    body.prepend(box);
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

export function channelLabel(name) {
  if (name === undefined || name === null) {
    return '—';
  }
  const code = CHANNEL_CODES[name] || String(name).toLowerCase();
  return has('ch_' + code) ? t('ch_' + code) : String(name);
}

// ---- KPIs -------------------------------------------------------------------------------------------------------

export function renderKpis(container, data) {
  const kpis = data.kpis || {};
  const changes = data.change || {};
  const previous = data.previous || {};
  clear(container);
  for (const name of KPI_CARDS) {
    const value = num(kpis[name]);
    const delta = change(name, num(changes[name]));
    container.append(el('div', {
      class: 'kpi',
      dataset: { kpi: name, value: value === null ? '' : String(value), change: delta.direction },
      title: t('previousPeriod') + ': ' + byUnit(name, num(previous[name])),
    },
    el('div', { class: 'kpi-name' }, t('kpi_' + name)),
    el('div', { class: 'kpi-value' }, byUnit(name, value)),
    el('div', { class: 'kpi-change tone-' + delta.tone },
      delta.direction === 'none' ? t('noPrevious') : delta.text + ' ' + t('vsPrevious'))));
  }
}

// ---- Trend ------------------------------------------------------------------------------------------------------

export function renderTrend(body, data) {
  const rows = rowsOf(data, ['days', 'series', 'points', 'trend', 'daily']);
  if (!rows.length) {
    return false;
  }
  const days = rows.map(r => String(pick(r, ['day', 'date'], '')));
  const revenue = rows.map(r => num(pick(r, ['revenue', 'net_revenue'])));
  const orders = rows.map(r => num(pick(r, ['orders'])));
  const profit = rows.map(r => num(pick(r, ['profit', 'gross_profit'])));
  const series = [
    { name: t('series_revenue'), type: 'line', smooth: 0.3, smoothMonotone: 'x', showSymbol: false, data: revenue, areaStyle: { opacity: 0.08 } },
    { name: t('series_orders'), type: 'bar', yAxisIndex: 1, data: orders, itemStyle: { opacity: 0.35 }, barMaxWidth: 14 },
  ];
  if (profit.some(v => v !== null)) {
    series.push({ name: t(rows[0].profit !== undefined ? 'series_profit' : 'series_gross_profit'), type: 'line', smooth: 0.3, smoothMonotone: 'x', showSymbol: false, data: profit });
  }
  const drawn = draw(chartBox(body), {
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

// ---- Channels, categories, hours ----------------------------------------------------------------------------------

export function renderChannels(body, data) {
  const rows = rowsOf(data, ['channels', 'rows', 'breakdown']);
  if (!rows.length) {
    return false;
  }
  const items = rows.map(r => ({
    name: channelLabel(pick(r, ['channel', 'name', 'code', 'label'])),
    value: num(pick(r, ['revenue', 'net_revenue', 'orders'])) || 0,
  }));
  const drawn = draw(chartBox(body), {
    tooltip: { trigger: 'item', formatter: p => escapeHtml(p.name) + ': ' + money(p.value) + ' (' + p.percent + '%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['38%', '68%'], center: ['50%', '45%'], data: items, label: { formatter: '{b}\n{d}%' } }],
  });
  if (!drawn) {
    fallbackList(body, items.map(i => [i.name, money(i.value)]));
  }
  return true;
}

export function renderCategories(body, data) {
  const rows = rowsOf(data, ['categories', 'rows', 'breakdown']);
  if (!rows.length) {
    return false;
  }
  const items = rows
    .map(r => ({ name: String(pick(r, ['category', 'name', 'label'], '—')), value: num(pick(r, ['revenue', 'net_revenue'])) || 0 }))
    .sort((a, b) => b.value - a.value)
    .slice(0, 12)
    .reverse();
  const drawn = draw(chartBox(body), {
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

export function renderHours(body, data) {
  const rows = rowsOf(data, ['hours', 'rows', 'breakdown']);
  if (!rows.length) {
    return false;
  }
  const byHour = new Array(24).fill(0);
  const revenueByHour = new Array(24).fill(0);
  for (const r of rows) {
    const hour = num(pick(r, ['hour', 'h']));
    if (hour !== null && hour >= 0 && hour < 24) {
      byHour[hour] = num(pick(r, ['orders'])) || 0;
      revenueByHour[hour] = num(pick(r, ['revenue'])) || 0;
    }
  }
  const drawn = draw(chartBox(body), {
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
  ];
  const tableRows = rows.map((r, i) => {
    const code = pick(r, ['code', 'store', 'store_code'], '');
    const name = pick(r, ['name', 'store_name'], '');
    const value = num(pick(r, ['value', metric]));
    const delta = change(metric === 'growth' ? 'revenue' : metric, num(pick(r, ['change', 'growth'])));
    return {
      attrs: { class: code === selectedStore ? 'selected' : null, dataset: { store: code }, tabindex: '0',
        onclick: () => onPick(code), onkeydown: e => { if (e.key === 'Enter') { onPick(code); } } },
      cells: [
        String(pick(r, ['rank'], i + 1)),
        el('span', null, el('strong', null, code), ' ', name, r.city ? el('span', { class: 'muted' }, ' · ' + r.city) : null),
        byUnit(metric, value),
        el('span', { class: 'tone-' + delta.tone }, metric === 'growth' ? '' : delta.text),
      ],
    };
  });
  body.append(table(headers, tableRows, { className: 'data-table clickable' }));
  return true;
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
  draw(chartBox(body), {
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
  body.append(el('div', { class: 'scroll-y' }, table(headers, rows)));
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
  }))));
  return true;
}

export function renderOrders(body, data) {
  const rows = rowsOf(data, ['lines', 'orders', 'items', 'rows']);
  if (!rows.length) {
    return false;
  }
  const headers = [
    { label: t('col_order_id') }, { label: t('col_time') }, { label: t('col_channel') }, { label: t('col_product') },
    { label: t('col_quantity'), numeric: true }, { label: t('col_unit_price'), numeric: true }, { label: t('col_amount'), numeric: true },
  ];
  body.append(table(headers, rows.map(r => {
    const qty = num(pick(r, ['quantity', 'qty']));
    const price = num(pick(r, ['unit_price', 'price']));
    const amount = num(pick(r, ['amount', 'revenue', 'line_total']));
    return {
      cells: [
        String(pick(r, ['order_id', 'order', 'id'], '—')),
        String(pick(r, ['ordered_at', 'time', 'created_at'], '—')).replace('T', ' ').replace(/(\+\d\d:\d\d|Z)$/, ''),
        channelLabel(pick(r, ['channel'])),
        String(pick(r, ['product_name', 'name', 'sku'], '—')),
        integer(qty),
        money(price),
        money(amount !== null ? amount : qty !== null && price !== null ? Math.round(qty * price * 100) / 100 : null),
      ],
    };
  })));
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
