// ECharts, loaded from the gateway (/vendor/echarts.min.js). A chart that cannot be drawn leaves its panel's table
// and message intact: the page works, less prettily, without it.

const charts = new Map();
const PALETTE = ['#3a6ff7', '#f2994a', '#27ae60', '#9b51e0', '#eb5757', '#2d9cdb', '#f2c94c', '#6fcf97'];

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
