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

function chartBox(body, label) {
  let box = body.querySelector('.chart');
  if (!box) {
    box = el('div', { class: 'chart', role: 'img' });
    body.prepend(box);
  }
  // A picture needs a name for a screen reader; the numbers are in the panel's tables.
  if (label) {
    box.setAttribute('aria-label', label);
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

export function renderKpis(container, data) {
  const kpis = data.kpis || {};
  const changes = data.change || {};
  const previous = data.previous || {};
  clear(container);
  for (const name of KPI_CARDS) {
    const value = num(kpis[name]);
    const delta = change(name, changes[name]);
    const high = name === 'marketing_rate' && marketingRateHigh(value);
    const dataset = { kpi: name, value: value === null ? '' : String(value), change: delta.direction, changeKind: delta.kind };
    if (high) {
      dataset.alert = 'high';
    }
    const card = el('div', {
      class: 'kpi' + (high ? ' kpi-alert' : ''),
      dataset,
      title: t('previousPeriod') + ': ' + byUnit(name, num(previous[name])),
    },
    el('div', { class: 'kpi-name' }, t('kpi_' + name)),
    el('div', { class: 'kpi-value' }, byUnit(name, value)),
    el('div', { class: 'kpi-change tone-' + delta.tone },
      delta.direction === 'none' ? t('noPrevious') : t('changeLine', { change: delta.text })));
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
  const series = [
    { name: t('series_revenue'), type: 'line', smooth: 0.3, smoothMonotone: 'x', showSymbol: false, data: revenue, areaStyle: { opacity: 0.08 } },
    { name: t('series_profit'), type: 'line', smooth: 0.3, smoothMonotone: 'x', showSymbol: false, data: profit },
    { name: t('series_orders'), type: 'bar', stack: 'orders', yAxisIndex: 1, data: orders, itemStyle: { opacity: 0.35 }, barMaxWidth: 14 },
  ];
  if (invalid.some(v => v !== null && v > 0)) {
    series.push({ name: t('series_invalid_orders'), type: 'bar', stack: 'orders', yAxisIndex: 1, data: invalid,
      itemStyle: { color: '#eb5757', opacity: 0.6 }, barMaxWidth: 14 });
  }
  const drawn = draw(chartBox(body, t('chart_trend')), {
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
  const drawn = draw(chartBox(body, t('chart_channels')), {
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
  const drawn = draw(chartBox(body, t('chart_categories')), {
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
  const drawn = draw(chartBox(body, t('chart_hours')), {
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
  const tableRows = rows.map((r, i) => {
    const code = pick(r, ['code', 'store', 'store_code'], '');
    const name = pick(r, ['name', 'store_name'], '');
    const value = num(pick(r, ['value', metric]));
    return {
      attrs: { class: code === selectedStore ? 'selected' : null, dataset: { store: code }, tabindex: '0',
        onclick: () => onPick(code), onkeydown: e => { if (e.key === 'Enter') { onPick(code); } } },
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
  body.append(table(headers, tableRows, { className: 'data-table clickable', label: t('panelRanking') }));
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
  draw(chartBox(body, t('chart_diagnosis')), {
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
  body.append(el('div', { class: 'scroll-y' }, table(headers, rows, { label: t('panelDiagnosis') })));
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

/** The order lines: every line, those of cancelled or refunded orders too, marked in words as well as in colour. */
export function renderOrders(body, data) {
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
      attrs: { class: valid ? null : 'invalid-order', dataset: { valid: String(valid) } },
      cells: [
        String(pick(r, ['order_id', 'order', 'id'], '—')),
        String(pick(r, ['ordered_at', 'time', 'created_at'], '—')).replace('T', ' ').replace(/(\+\d\d:\d\d|Z)$/, ''),
        channelLabel(pick(r, ['channel'])),
        el('span', null, String(pick(r, ['product_name', 'name', 'sku'], '—')), r.sku ? el('span', { class: 'muted' }, ' ' + r.sku) : null),
        integer(qty),
        money(price),
        money(num(pick(r, ['list_price']))),
        money(revenue !== null ? revenue : qty !== null && price !== null ? Math.round(qty * price * 100) / 100 : null),
        money(num(pick(r, ['cost']))),
        money(num(pick(r, ['gross_profit']))),
        money(num(pick(r, ['service_fee']))),
        el('span', { class: 'chip ' + (valid ? 'ok' : 'flag') }, valid ? t('orderValid') : t('orderInvalid')),
      ],
    };
  }), { label: t('panelOrders') }));
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
