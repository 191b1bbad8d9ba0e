// The retail calendar of the date presets: 今日, 昨日, 本周, 上周, 本月, 上月 and the last 7, 30 or 90 days. Weeks start on
// Monday. Days are plain YYYY-MM-DD strings, computed in UTC so that no time zone shifts a day.

const DAY_MS = 86400000;

/** The presets in the order the filter bar shows them. */
export const PRESETS = ['today', 'yesterday', 'this_week', 'last_week', 'this_month', 'last_month', 'days7', 'days30', 'days90'];

export function parseDay(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text || '')) {
    return null;
  }
  const ms = Date.parse(text + 'T00:00:00Z');
  return Number.isNaN(ms) || new Date(ms).toISOString().substring(0, 10) !== text ? null : ms;
}

export function formatDay(ms) {
  return new Date(ms).toISOString().substring(0, 10);
}

export function addDays(day, days) {
  return formatDay(parseDay(day) + days * DAY_MS);
}

export function rangeDays(from, to) {
  return Math.round((parseDay(to) - parseDay(from)) / DAY_MS) + 1;
}

/** Monday of the day's week. */
function monday(day) {
  const weekday = new Date(parseDay(day)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

function firstOfMonth(day) {
  return day.substring(0, 8) + '01';
}

/**
 * The day the presets count from. The clock's today, unless the newest day with data is earlier: orders arrive by
 * export, a day or more late, and 今日 of a day without data would be an empty page. So "today" is the newest day with
 * data when today has none, and 本周, 本月 and 近N天 end on it.
 */
export function anchor(today, latest) {
  if (latest && parseDay(latest) !== null && (!today || parseDay(latest) < parseDay(today))) {
    return latest;
  }
  return today || latest;
}

/** The {from, to} of a preset counted from {@code day}, or null for an unknown preset. */
export function presetRange(preset, day) {
  switch (preset) {
    case 'today':
      return { from: day, to: day };
    case 'yesterday':
      return { from: addDays(day, -1), to: addDays(day, -1) };
    case 'this_week':
      return { from: monday(day), to: day };
    case 'last_week': {
      const from = addDays(monday(day), -7);
      return { from, to: addDays(from, 6) };
    }
    case 'this_month':
      return { from: firstOfMonth(day), to: day };
    case 'last_month': {
      const to = addDays(firstOfMonth(day), -1);
      return { from: firstOfMonth(to), to };
    }
    case 'days7':
    case 'days30':
    case 'days90': {
      const days = Number(preset.substring(4));
      return { from: addDays(day, -(days - 1)), to: day };
    }
    default:
      return null;
  }
}

/** The preset that gives exactly this range from {@code day}, or null. */
export function presetOf(from, to, day) {
  return PRESETS.find(p => {
    const range = presetRange(p, day);
    return range.from === from && range.to === to;
  }) || null;
}

/**
 * The page's clock: `?today=YYYY-MM-DD` in the address, else `data-today` on the body, else the browser's date. A
 * test (or a demo of last month's data) fixes it with either.
 */
export function clockToday() {
  const fromUrl = new URLSearchParams(window.location.search).get('today');
  if (parseDay(fromUrl) !== null) {
    return fromUrl;
  }
  const fromPage = document.body.dataset.today;
  if (parseDay(fromPage) !== null) {
    return fromPage;
  }
  const now = new Date();
  return formatDay(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
}
