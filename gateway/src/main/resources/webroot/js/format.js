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
  // A negative amount (配送净成本 when delivery earned money, a refund) is written -¥12.00, not ¥-12.00.
  const text = '¥' + Math.abs(value).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return value < 0 && text !== '¥0.00' ? '-' + text : text;
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

/**
 * How each figure of the chain's standard (docs/DESIGN.md §4.1) is written: money, a count or a ratio. The names are
 * the API's JSON fields.
 */
export const KPI_UNITS = {
  orders: 'count',
  invalid_orders: 'count',
  items: 'count',
  active_products: 'count',
  revenue: 'money',
  gross_profit: 'money',
  profit: 'money',
  aov: 'money',
  gmv: 'money',
  marketing_cost: 'money',
  delivery_net_cost: 'money',
  service_fee: 'money',
  profit_per_order: 'money',
  marketing_per_order: 'money',
  delivery_per_order: 'money',
  cost: 'money',
  rebate: 'money',
  profit_margin: 'ratio',
  marketing_rate: 'ratio',
  gross_margin: 'ratio',
  growth: 'ratio',
  revenue_share: 'ratio',
  order_share: 'ratio',
};

/** The page marks 营销成本率 above this share of GMV. */
export const MARKETING_RATE_LIMIT = 0.15;

/** Whether a 营销成本率 is above the chain's limit (strictly: exactly 15 % is not marked). */
export function marketingRateHigh(value) {
  return isNumber(value) && value > MARKETING_RATE_LIMIT;
}

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

/** Figures for which a rise is bad news (costs, and orders that were cancelled or refunded). */
const LOWER_IS_BETTER = new Set(['invalid_orders', 'marketing_cost', 'marketing_rate', 'delivery_net_cost', 'service_fee',
  'marketing_per_order', 'delivery_per_order', 'cost']);

/** Percentage points with 2 decimals, in the page's language: "1.25个百分点" or "1.25 pp". */
export function points(value) {
  if (!isNumber(value)) {
    return '—';
  }
  const text = value.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return lang() === 'zh' ? text + '个百分点' : text + ' pp';
}

/**
 * 环比 of a figure, as the API writes it: {"relative": r} for money and counts ((current − previous) / |previous|),
 * {"points": p} for ratios (percentage points), or a bare number (a relative change). Gives {text, direction:
 * up|down|flat|none, tone: good|bad|neutral, kind: relative|points|none}.
 */
export function change(name, value) {
  let kind = 'relative';
  let amount = value;
  if (value && typeof value === 'object') {
    if (Object.prototype.hasOwnProperty.call(value, 'points')) {
      kind = 'points';
      amount = value.points;
    } else {
      amount = value.relative;
    }
  }
  if (typeof amount === 'string' && amount.trim() !== '' && !Number.isNaN(Number(amount))) {
    amount = Number(amount);
  }
  if (!isNumber(amount)) {
    return { text: '—', direction: 'none', tone: 'neutral', kind: 'none' };
  }
  // Below what the text can show (0.0 % or 0.00 points) the change is flat rather than an arrow.
  const flat = kind === 'points' ? 0.005 : 0.0005;
  const direction = amount >= flat ? 'up' : amount <= -flat ? 'down' : 'flat';
  const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■';
  let tone = 'neutral';
  if (direction !== 'flat') {
    const good = (direction === 'up') !== LOWER_IS_BETTER.has(name);
    tone = good ? 'good' : 'bad';
  }
  const magnitude = kind === 'points' ? points(Math.abs(amount)) : percent(Math.abs(amount));
  return { text: arrow + ' ' + magnitude, direction, tone, kind };
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

/** A day and time as the API writes it (ISO 8601), shown as "2026-10-31 21:48" in the store's own clock. */
export function dateTime(iso) {
  if (!iso) {
    return '—';
  }
  const text = String(iso);
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(text);
  return match ? match[1] + ' ' + match[2] : text;
}
