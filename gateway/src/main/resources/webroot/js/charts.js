// ECharts, loaded from the gateway (/vendor/echarts.min.js). A chart that cannot be drawn leaves its panel's table
// and message intact: the page works, less prettily, without it.

const charts = new Map();
const PALETTE = ['#3a6ff7', '#f2994a', '#27ae60', '#9b51e0', '#eb5757', '#2d9cdb', '#f2c94c', '#6fcf97'];

/** The colours of the channels the chain's exports name, close to each platform's own. */
const CHANNEL_COLORS = {
  meituan: '#f2b705',
  meituan_flash: '#e8a200',
  meituan_gongcheng: '#c98a00',
  meituan_coffee: '#a87400',
  eleme: '#1a8cff',
  eleme_coffee: '#0a64c2',
  jddj: '#e1251b',
  jd_miaosong: '#b31b14',
  douyin: '#25262b',
  douyin_group: '#fe2c55',
  pos: '#6b778c',
  miniapp: '#27ae60',
  offline: '#9b51e0',
};
/** Any other channel gets one of these, by a hash of its code. */
const OTHER_CHANNEL_COLORS = ['#2d9cdb', '#f2994a', '#219653', '#bb6bd9', '#eb5757', '#56ccf2', '#8d6e63', '#00897b',
  '#5c6bc0', '#d81b60', '#7cb342', '#f06292'];

/**
 * A channel's colour, the same on every chart, page and visit: a fixed one for the chain's usual channels, else one
 * picked by the FNV-1a hash of the code (channels are data, so any code may come).
 */
export function channelColor(code) {
  const key = String(code === undefined || code === null ? '' : code);
  if (CHANNEL_COLORS[key]) {
    return CHANNEL_COLORS[key];
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return OTHER_CHANNEL_COLORS[hash % OTHER_CHANNEL_COLORS.length];
}

export function available() {
  return typeof window.echarts === 'object' && window.echarts !== null;
}

/** Draws option into container, reusing the chart that is already there. */
export function draw(container, option) {
  if (!available()) {
    return null;
  }
  let chart = charts.get(container);
  if (!chart || chart.isDisposed()) {
    chart = window.echarts.init(container, null, { renderer: 'canvas' });
    charts.set(container, chart);
  }
  chart.setOption(Object.assign({ color: PALETTE, animationDuration: 300 }, option), true);
  return chart;
}

export function dispose(container) {
  const chart = charts.get(container);
  if (chart) {
    chart.dispose();
    charts.delete(container);
  }
}

let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const chart of charts.values()) {
      if (!chart.isDisposed()) {
        chart.resize();
      }
    }
  }, 120);
});

/** Grid margins that leave room for axis labels on a phone too. */
export const GRID = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true };
