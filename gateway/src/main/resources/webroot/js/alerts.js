// The push page (alerts.html): a user's subscriptions to WeCom, DingTalk, Feishu and generic webhooks — create, list,
// test-send, delete — and each one's delivery log (docs/DESIGN.md §14.2). The webhook URL and secret are sent once
// and never shown again: the list has the host and whether it signs.
import { t, apply, lang, setLang } from './i18n.js';
import { getJson, send, setCsrfToken, ApiError } from './api.js';
import { el, clear, table } from './dom.js';

const $ = id => document.getElementById(id);
const PATH = '/api/v1/subscriptions';
const FORMATS = { wecom: ['markdown', 'text'], dingtalk: ['markdown', 'text'], feishu: ['post', 'text', 'interactive'], generic: ['json'] };

let session = null;

function fillFormats() {
  const select = $('push-format');
  clear(select);
  for (const format of FORMATS[$('push-platform').value]) {
    select.append(el('option', { value: format }, format));
  }
}

function formBody() {
  const stores = $('push-stores').value.split(',').map(s => s.trim()).filter(Boolean);
  const alerts = [];
  if ($('push-losing').checked) {
    alerts.push({ rule: 'losing_order', above: Number($('push-losing-above').value) });
  }
  if ($('push-red').checked) {
    alerts.push({ rule: 'monitor_red' });
  }
  const body = {
    name: $('push-name').value.trim(),
    platform: $('push-platform').value,
    format: $('push-format').value,
    webhook: $('push-webhook').value.trim(),
    scope: $('push-scope').value,
    lang: $('push-lang').value,
    alerts,
  };
  if (stores.length) {
    body.stores = stores;
  }
  if ($('push-time').value) {
    body.digest_time = $('push-time').value;
  }
  if ($('push-secret').value) {
    body.secret = $('push-secret').value;
  }
  return body;
}

function say(errorText, okText) {
  $('push-error').textContent = errorText || '';
  $('push-ok').textContent = okText || '';
}

function problem(error) {
  return error instanceof ApiError ? error.detail : String(error);
}

async function create(event) {
  event.preventDefault();
  say();
  try {
    const created = await send('POST', PATH, formBody());
    // The secret leaves the page's memory at once: it is never shown again.
    $('push-webhook').value = '';
    $('push-secret').value = '';
    say(null, t('pushCreated', { name: created.name }));
    await refresh();
  } catch (error) {
    say(problem(error));
  }
}

function alertsText(alerts) {
  return alerts.map(a => a.rule === 'losing_order' ? t('pushLosing') + ' ' + a.above : t('pushRed')).join('; ');
}

/** dom.table's header cells from their labels. */
function headers(labels) {
  return labels.map(label => ({ label }));
}

function row(subscription) {
  const test = el('button', { type: 'button', onclick: () => testSend(subscription) }, t('pushTest'));
  const log = el('button', { type: 'button', onclick: () => deliveries(subscription) }, t('pushDeliveries'));
  const remove = el('button', { type: 'button', onclick: () => removeOne(subscription) }, t('pushDelete'));
  return { cells: [
    subscription.name,
    t('push_' + subscription.platform) + ' · ' + subscription.format,
    subscription.webhook_host + (subscription.signed ? ' · ' + t('pushSigned') : ''),
    (subscription.scope === 'group' ? t('pushScopeGroup') + ': ' : '') + subscription.stores.join(', '),
    subscription.digest_time ? subscription.digest_time + ' (' + subscription.timezone + ')' : '—',
    alertsText(subscription.alerts) || '—',
    el('span', { class: 'form-actions' }, test, log, remove),
  ] };
}

async function refresh() {
  const answer = await getJson(PATH);
  const body = $('push-list');
  clear(body);
  if (!answer.subscriptions.length) {
    body.append(el('p', { class: 'panel-message' }, t('pushNone')));
    return;
  }
  body.append(table(headers([t('pushName'), t('pushPlatform'), t('pushHost'), t('pushStores'), t('pushTime'),
    t('pushAlerts'), '']), answer.subscriptions.map(row), { label: t('pushList') }));
}

async function testSend(subscription) {
  say();
  try {
    const answer = await send('POST', PATH + '/' + encodeURIComponent(subscription.id) + '/test');
    const delivery = answer.delivery;
    const last = delivery.attempt_log[delivery.attempt_log.length - 1];
    if (delivery.status === 'sent') {
      say(null, t('pushTestSent', { name: subscription.name }));
    } else {
      say(t('pushTestFailed', { name: subscription.name, why: last ? last.detail || last.result : delivery.status }));
    }
    await deliveries(subscription);
  } catch (error) {
    say(problem(error));
  }
}

async function removeOne(subscription) {
  if (!window.confirm(t('pushDeleteConfirm', { name: subscription.name }))) {
    return;
  }
  try {
    await send('DELETE', PATH + '/' + encodeURIComponent(subscription.id));
    $('push-deliveries-panel').hidden = true;
    await refresh();
  } catch (error) {
    say(problem(error));
  }
}

async function deliveries(subscription) {
  const answer = await getJson(PATH + '/' + encodeURIComponent(subscription.id) + '/deliveries?limit=50');
  const body = $('push-deliveries');
  clear(body);
  $('push-deliveries-panel').hidden = false;
  const rows = answer.deliveries.map(d => ({ cells: [
    d.created_at.replace('T', ' ').substring(0, 19),
    t('pushKind_' + d.kind),
    t('pushStatus_' + d.status),
    d.attempts + ' / ' + d.max_attempts,
    // One line per attempt: its time, result, HTTP status and what the platform said.
    d.attempt_log.map(a => el('div', null, a.at.substring(11, 19) + ' ' + t('pushResult_' + a.result)
      + (a.http_status ? ' HTTP ' + a.http_status : '') + (a.detail ? ' — ' + a.detail : ''))),
  ] }));
  body.append(table(headers([t('pushAt'), t('pushKind'), t('pushStatus'), t('pushAttempts'), t('pushLog')]), rows,
    { caption: subscription.name }));
}

function showFor(role) {
  // Store groups are HQ's; the monitor's red is for ops and hq; ops reads no sales, so no digest or order alerts.
  $('push-scope').querySelector('option[value=group]').hidden = role !== 'hq';
  $('push-red-label').hidden = role !== 'hq' && role !== 'ops';
  if (role === 'ops') {
    $('push-time').value = '';
    $('push-stores').disabled = true;
  }
}

function translate() {
  apply();
  // apply() names the page as the dashboard; this one is the push page.
  document.title = 'StoreDash ' + t('pushTitle');
}

async function start() {
  translate();
  $('lang').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    translate();
    if (session) {
      refresh().catch(error => say(problem(error)));
    }
  });
  $('push-platform').addEventListener('change', fillFormats);
  $('push-form').addEventListener('submit', create);
  fillFormats();
  try {
    session = await getJson('/api/v1/session', { quiet401: true });
  } catch (error) {
    $('push-signed-out').hidden = false;
    return;
  }
  setCsrfToken(session.csrf_token);
  showFor(session.role);
  for (const id of ['push-form-panel', 'push-list-panel']) {
    $(id).hidden = false;
  }
  try {
    await refresh();
  } catch (error) {
    say(problem(error));
  }
}

start();
