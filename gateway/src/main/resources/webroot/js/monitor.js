// The monitor panel on top of the page, fed live by the gateway's server-sent events (/api/v1/monitor/stream).
// hq and ops get the full snapshot; everyone else a reduced one, {"status", "services": {"<name>": "green|..."}},
// without hosts, ports, versions or node ids: then the panel is one line in plain words (what works and what does not,
// for the person reading sales figures), and no details. A figure whose snapshot is no longer live is not shown as
// current: it becomes —. Screen readers hear the panel only when its status changes, not with every snapshot.
// The same stream carries data-changed (the stores whose data an import or a channel change touched), handed to the
// page so it can reload its figures.
import { t } from './i18n.js';
import { percent, decimal, duration, time, isNumber } from './format.js';
import { el, clear } from './dom.js';

const STREAM = '/api/v1/monitor/stream';
/** monitor-service publishes every 5 s: three silent intervals mean the figures shown are no longer live. */
const SILENT_AFTER_MS = 16000;
/** The gateway's Retry-After on a refused stream. */
const REFUSED_RETRY_MS = 30000;

let snapshot = null;
let unavailable = null;
let disconnected = false;
let lastEventAt = 0;
let updates = 0;
/** Whether the caller sees the technical panel (hq, ops); everyone else gets the plain line. */
let technical = true;
let dataChangedListener = null;
/** What was last announced to screen readers: a new status is announced, a repeated one is not. */
let announced = null;

const $ = id => document.getElementById(id);

function tone(value, yellowAt, redAt) {
  if (!isNumber(value)) {
    return 'unknown';
  }
  return value >= redAt ? 'red' : value >= yellowAt ? 'yellow' : 'green';
}

function setItem(id, status, value) {
  const item = $(id);
  item.dataset.status = status;
  item.querySelector('.monitor-value').textContent = value;
}

function redisItem(redis) {
  if (!redis) {
    return ['unknown', '—'];
  }
  const state = redis.state || (redis.connected ? 'up' : 'down');
  if (state === 'down' || redis.connected === false && state !== 'reconnecting') {
    return ['red', t('redis_down')];
  }
  if (state === 'reconnecting') {
    return ['yellow', t('redis_reconnecting')];
  }
  const warned = Array.isArray(redis.warnings) && redis.warnings.length > 0;
  return [warned ? 'yellow' : 'green', t('redis_up') + (isNumber(redis.latency_ms) ? ' · ' + decimal(redis.latency_ms, 1) + ' ms' : '')];
}

function memoryItem(redis) {
  const memory = redis && redis.memory;
  if (!memory || !isNumber(memory.used_mb)) {
    return ['unknown', '—'];
  }
  const used = decimal(memory.used_mb, 1) + ' MB';
  if (!isNumber(memory.max_mb) || memory.max_mb <= 0) {
    return ['yellow', used];
  }
  const usage = isNumber(memory.usage_percent) ? memory.usage_percent : memory.used_mb / memory.max_mb * 100;
  return [tone(usage, 75, 90), used + ' / ' + decimal(memory.max_mb, 0) + ' MB (' + decimal(usage, 1) + '%)'];
}

function hitRateItem(cache) {
  const rate = cache ? cache.hit_rate : null;
  if (!isNumber(rate)) {
    return ['unknown', '—'];
  }
  return [rate >= 0.8 ? 'green' : rate >= 0.5 ? 'yellow' : 'red', percent(rate)];
}

const SEVERITY = ['green', 'yellow', 'red'];

/**
 * The colour of a figure that monitor-service does not judge the status by (the CPU: a busy shared host is not a
 * fault of StoreDash's; the cache hit rate: a cold cache is slow, not broken). It is never worse than the status
 * beside it: a red CPU next to 正常 said two things at once.
 */
function noWorseThan(own, overall) {
  const cap = SEVERITY.indexOf(overall);
  return own !== 'unknown' && cap >= 0 && SEVERITY.indexOf(own) > cap ? overall : own;
}

function cpuItem(system, overall) {
  if (!system) {
    return ['unknown', '—'];
  }
  const cpu = isNumber(system.system_cpu) && system.system_cpu >= 0 ? system.system_cpu
    : isNumber(system.process_cpu) && system.process_cpu >= 0 ? system.process_cpu : null;
  return [noWorseThan(tone(cpu, 0.7, 0.9), overall), percent(cpu)];
}

/**
 * The reduced snapshot in one plain sentence and the colour it deserves: the sales figures come from query-service
 * and PostgreSQL, so with those up the data is fine whatever the cache does.
 */
export function plainLine(s) {
  const services = s.services || {};
  const bad = name => services[name] === 'red' || services[name] === 'yellow';
  if (services['query-service'] === 'red' || services.postgresql === 'red') {
    return ['red', t('plain_data_down')];
  }
  if (bad('redis') || bad('cache-service')) {
    return ['yellow', t('plain_cache_down')];
  }
  if (s.status === 'green') {
    return ['green', t('plain_ok')];
  }
  return ['yellow', t('plain_slow')];
}

function firstInstance(cluster, service) {
  const list = cluster && cluster.services && cluster.services[service];
  return Array.isArray(list) && list.length ? list[0] : null;
}

function detailRows(s) {
  const redis = s.redis || {};
  const postgres = s.postgres || {};
  const gateway = s.gateway || {};
  const cluster = s.cluster || {};
  const gw = firstInstance(cluster, 'gateway');
  const rows = [];
  rows.push([t('version'), 'StoreDash ' + ((gw && gw.version) || '—') + ' · Redis ' + (redis.version || '—')
    + ' · PostgreSQL ' + (postgres.version || '—')]);
  rows.push([t('latency'), 'Redis ' + (isNumber(redis.latency_ms) ? decimal(redis.latency_ms, 2) + ' ms' : '—')
    + ' · PostgreSQL ' + (isNumber(postgres.latency_ms) ? decimal(postgres.latency_ms, 2) + ' ms' : '—')]);
  rows.push([t('uptime'), 'StoreDash ' + duration(gw && gw.uptime_ms) + ' · Redis '
    + duration(isNumber(redis.uptime_s) ? redis.uptime_s * 1000 : null)]);
  rows.push([t('successRate'), percent(gateway.success_rate_1m, 2)]);
  rows.push([t('p50p99'), (isNumber(gateway.p50_ms) ? decimal(gateway.p50_ms, 1) : '—') + ' / '
    + (isNumber(gateway.p99_ms) ? decimal(gateway.p99_ms, 1) : '—') + ' ms']);
  rows.push([t('postgres'), postgres.reachable === false ? t('pg_down') : postgres.reachable ? t('pg_up') : '—']);
  const services = cluster.services ? Object.entries(cluster.services)
    .map(([name, list]) => name + ' ×' + (Array.isArray(list) ? list.filter(i => i.state === 'live').length : 0)) : [];
  const missing = Array.isArray(cluster.missing) && cluster.missing.length ? ' · ' + t('missing') + ': ' + cluster.missing.join(', ') : '';
  rows.push([t('services'), (services.join(' · ') || '—') + missing]);
  return rows;
}

/** Whether the snapshot is the reduced one: services by name with a colour each, and none of the details. */
function reduced(s) {
  return !s.redis && !s.cluster && !s.system && s.services !== null && typeof s.services === 'object'
    && !Array.isArray(s.services);
}

function colour(value) {
  return ['green', 'yellow', 'red'].includes(value) ? value : 'unknown';
}

function renderReduced(s) {
  const items = clear($('monitor-services'));
  for (const [name, status] of Object.entries(s.services)) {
    items.append(el('div', { class: 'monitor-item', dataset: { service: name, status: colour(status) } },
      el('span', { class: 'dot', 'aria-hidden': 'true' }),
      el('span', { class: 'monitor-label' }, name),
      el('span', { class: 'monitor-value' }, t('status_' + colour(status)))));
  }
}

function render() {
  const panel = $('monitor');
  const message = $('monitor-message');
  let overall = 'unknown';
  const brief = Boolean(snapshot && reduced(snapshot));
  $('monitor-fixed').hidden = brief;
  $('monitor-services').hidden = !brief;
  $('monitor-toggle').hidden = brief;
  panel.dataset.form = brief ? 'reduced' : 'full';
  if (brief) {
    $('monitor-details').hidden = true;
    $('monitor-toggle').setAttribute('aria-expanded', 'false');
  }
  $('monitor-plain').hidden = technical;
  if (snapshot && brief) {
    overall = colour(snapshot.status);
    renderReduced(snapshot);
  }
  if (!technical) {
    renderPlain(panel);
    return;
  }
  if (snapshot && !brief) {
    const s = snapshot;
    overall = ['green', 'yellow', 'red'].includes(s.status) ? s.status : 'unknown';
    const [redisStatus, redisText] = redisItem(s.redis);
    setItem('monitor-redis', redisStatus, redisText);
    const [hitRateStatus, hitText] = hitRateItem(s.cache);
    const hitStatus = noWorseThan(hitRateStatus, overall);
    setItem('monitor-hit-rate', hitStatus, hitText);
    const [memStatus, memText] = memoryItem(s.redis);
    setItem('monitor-memory', memStatus, memText);
    const [cpuStatus, cpuText] = cpuItem(s.system, overall);
    setItem('monitor-cpu', cpuStatus, cpuText);
    const details = clear($('monitor-details-list'));
    for (const [label, value] of detailRows(s)) {
      details.append(el('dt', null, label), el('dd', null, value));
    }
    const reasons = clear($('monitor-reasons'));
    for (const reason of Array.isArray(s.reasons) ? s.reasons : []) {
      reasons.append(el('li', null, reason));
    }
    $('monitor-updated').textContent = t('updatedAt') + ' ' + time(s.generated_at);
    $('monitor-updated').dataset.generatedAt = s.generated_at || '';
  }
  const stale = isStale();
  if (stale) {
    // No old figure is shown as if it were current.
    for (const id of ['monitor-redis', 'monitor-hit-rate', 'monitor-memory', 'monitor-cpu']) {
      setItem(id, 'unknown', '—');
    }
  }
  if (unavailable) {
    overall = 'unknown';
    message.textContent = t('monitorUnavailable') + ': ' + unavailable;
  } else if (disconnected) {
    message.textContent = t('monitorDisconnected');
  } else if (!snapshot) {
    message.textContent = t('monitorWaiting');
  } else if (stale) {
    message.textContent = t('monitorUnavailable');
  } else {
    message.textContent = Array.isArray(snapshot.reasons) && snapshot.reasons.length && overall !== 'green' ? snapshot.reasons[0] : '';
  }
  message.hidden = message.textContent === '';
  panel.dataset.status = overall;
  panel.classList.toggle('stale', Boolean(stale));
  $('monitor-status-text').textContent = t('status_' + overall);
  announce(t('monitorTitle') + ' ' + t('status_' + overall));
}

function isStale() {
  return Boolean(unavailable || disconnected || (snapshot && Date.now() - lastEventAt > SILENT_AFTER_MS));
}

/** For a store manager: one line, the colour of what it says, and no internal name or address. */
function renderPlain(panel) {
  let status = 'unknown';
  let text = t('plain_unknown');
  if (snapshot && !isStale()) {
    [status, text] = plainLine(reduced(snapshot) ? snapshot : { status: snapshot.status, services: {} });
  }
  $('monitor-fixed').hidden = true;
  $('monitor-services').hidden = true;
  $('monitor-toggle').hidden = true;
  $('monitor-details').hidden = true;
  $('monitor-message').hidden = true;
  $('monitor-status-text').textContent = '';
  $('monitor-plain').textContent = text;
  panel.dataset.form = 'plain';
  panel.dataset.status = status;
  panel.classList.toggle('stale', isStale());
  announce(text);
}

/** Tells screen readers a new status, once (the live region is written only when what it says changes). */
function announce(text) {
  if (text !== announced) {
    announced = text;
    $('monitor-announce').textContent = text;
  }
}

export function rerender() {
  render();
}

/**
 * Opens the stream. The browser reconnects by itself after a dropped stream (retry: 5000), but not after a refusal:
 * a gateway that already serves as many streams as it may (503), or as many for this address (429), is asked again
 * after the Retry-After it sends (30 s; EventSource cannot read it), with some jitter so that refused pages do not
 * come back all at once.
 */
function connect() {
  const source = new EventSource(STREAM);
  source.addEventListener('snapshot', event => {
    try {
      snapshot = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    unavailable = null;
    disconnected = false;
    lastEventAt = Date.now();
    updates += 1;
    $('monitor').dataset.updates = String(updates);
    render();
  });
  source.addEventListener('unavailable', event => {
    let detail = '';
    try {
      detail = JSON.parse(event.data).detail || '';
    } catch (e) {
      detail = '';
    }
    unavailable = detail || 'monitor-service';
    disconnected = false;
    render();
  });
  source.addEventListener('data-changed', event => {
    try {
      const change = JSON.parse(event.data);
      if (dataChangedListener) {
        dataChangedListener(change);
      }
    } catch (e) {
      // not JSON: nothing to reload
    }
  });
  source.addEventListener('open', () => {
    disconnected = false;
    render();
  });
  source.addEventListener('error', () => {
    // Until the stream is back the figures are marked as not live.
    disconnected = true;
    render();
    if (source.readyState === EventSource.CLOSED) {
      setTimeout(connect, REFUSED_RETRY_MS + Math.random() * REFUSED_RETRY_MS / 2);
    }
  });
}

/**
 * @param options.technical     whether the caller sees the technical panel (hq, ops) rather than the plain line
 * @param options.onDataChanged called with {stores, version} when the server says data changed
 */
export function start({ technical: showsTechnical = true, onDataChanged = null } = {}) {
  technical = showsTechnical;
  dataChangedListener = onDataChanged;
  $('monitor-toggle').addEventListener('click', () => {
    const details = $('monitor-details');
    details.hidden = !details.hidden;
    $('monitor-toggle').setAttribute('aria-expanded', String(!details.hidden));
    // On a phone the figures fold away with the details.
    $('monitor').classList.toggle('open', !details.hidden);
  });
  render();
  if (typeof EventSource !== 'function') {
    unavailable = 'EventSource';
    render();
    return;
  }
  connect();
  setInterval(render, 5000);
}
