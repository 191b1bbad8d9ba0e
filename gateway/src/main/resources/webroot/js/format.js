// Numbers as a store manager reads them, in the page's language.
import { lang } from './i18n.js';

function locale() {
  return lang() === 'zh' ? 'zh-CN' : 'en-US';
}

export function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

export function money(value) {
  if (!isNumber(value)) {
    return '—';
  }
  return '¥' + value.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function integer(value) {
  if (!isNumber(value)) {
    return '—';
  }
  return Math.round(value).toLocaleString(locale());
}

export function percent(value, digits = 1) {
  if (!isNumber(value)) {
    return '—';
  }
  return (value * 100).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }) + '%';
}

export function decimal(value, digits = 2) {
  if (!isNumber(value)) {
    return '—';
  }
  return value.toLocaleString(locale(), { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** How a KPI is written: money, a count or a ratio. */
export const KPI_UNITS = {
  orders: 'count',
  items: 'count',
  revenue: 'money',
  gross_profit: 'money',
  discount: 'money',
  delivery_cost: 'money',
  platform_fee: 'money',
  customer_delivery_fee: 'money',
  packaging_fee: 'money',
  net_revenue: 'money',
  profit: 'money',
  aov: 'money',
  gross_margin: 'ratio',
  profit_margin: 'ratio',
  discount_rate: 'ratio',
  delivery_cost_ratio: 'ratio',
  growth: 'ratio',
};

export function byUnit(name, value) {
  switch (KPI_UNITS[name]) {
    case 'count':
      return integer(value);
    case 'ratio':
      return percent(value);
    case 'money':
      return money(value);
    default:
      return decimal(value);
  }
}

/** KPIs for which a rise is bad news (a cost share). */
const LOWER_IS_BETTER = new Set(['discount', 'discount_rate', 'delivery_cost', 'delivery_cost_ratio', 'platform_fee']);

/** {text, direction: up|down|flat|none, tone: good|bad|neutral} for a change ratio. */
export function change(name, value) {
  if (!isNumber(value)) {
    return { text: '—', direction: 'none', tone: 'neutral' };
  }
  // Below half a tenth of a percent the change shows as 0.0%: call it flat rather than draw an arrow.
  const direction = value >= 0.0005 ? 'up' : value <= -0.0005 ? 'down' : 'flat';
  const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■';
  let tone = 'neutral';
  if (direction !== 'flat') {
    const good = (direction === 'up') !== LOWER_IS_BETTER.has(name);
    tone = good ? 'good' : 'bad';
  }
  return { text: arrow + ' ' + percent(Math.abs(value)), direction, tone };
}

export function duration(ms) {
  if (!isNumber(ms)) {
    return '—';
  }
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (lang() === 'zh') {
    return (d ? d + '天' : '') + (d || h ? h + '小时' : '') + m + '分';
  }
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm';
}

export function time(iso) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return String(iso);
  }
  return date.toLocaleTimeString(locale(), { hour12: false });
}

/** Escapes text for the few places that build HTML (ECharts tooltips). */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
