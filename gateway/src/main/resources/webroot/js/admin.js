// The manage view: importing order files (hq, manager), the channels' fee flags and the users (hq), and one's own
// API tokens (everyone signed in). Each part says what went wrong in its own alert, in the API's words.
import { t } from './i18n.js';
import { getJson, send, rowsOf, ApiError } from './api.js';
import { el, clear, table } from './dom.js';
import { integer } from './format.js';

const $ = id => document.getElementById(id);

let role = null;
let users = [];
let channels = [];
let tokens = [];
/** The user being edited in the form, or null when the form creates one. */
let editing = null;
let onImported = () => {};

function say(part, error, ok) {
  $(part + '-error').textContent = error ? (error instanceof ApiError ? error.detail : String(error)) : '';
  const result = $(part + '-result');
  if (result) {
    result.textContent = ok || '';
  }
}

function list(text) {
  return text.split(/[,，\s]+/).map(s => s.trim()).filter(Boolean);
}

// ---- import -------------------------------------------------------------------------------------------------------

async function importFile(event) {
  event.preventDefault();
  const file = $('import-file').files[0];
  if (!file) {
    say('import', t('importPick'));
    $('import-file').focus();
    return;
  }
  const form = new FormData();
  form.append('file', file, file.name);
  say('import', null, t('importing'));
  try {
    const report = await send('POST', '/api/v1/imports', form);
    say('import', null, t('imported', {
      file: report.file || file.name, orders: integer(report.orders), lines: integer(report.lines),
      newOrders: integer(report.new_orders), updated: integer(report.updated_orders),
    }));
    onImported();
  } catch (error) {
    say('import', error);
  }
}

// ---- channels -----------------------------------------------------------------------------------------------------

async function loadChannels() {
  try {
    channels = rowsOf(await getJson('/api/v1/admin/channels'), ['channels']);
    renderChannels();
  } catch (error) {
    say('channels', error);
  }
}

function renderChannels() {
  const body = clear($('channels-body'));
  body.append(table(
    [{ label: t('channelCode') }, { label: t('channelName') }, { label: t('channelOrders'), numeric: true },
      { label: t('channelChargesFee') }],
    channels.map(c => ({
      attrs: { dataset: { channel: c.channel } },
      cells: [c.channel, c.name || '', integer(c.orders),
        el('input', { type: 'checkbox', checked: c.charges_fee === true, 'aria-label': t('channelChargesFeeOf', { name: c.name || c.channel }),
          onchange: event => setFee(c, event.target) })],
    })),
    { label: t('channelsTitle') }));
}

async function setFee(channel, box) {
  box.disabled = true;
  try {
    await send('PUT', '/api/v1/admin/channels/' + encodeURIComponent(channel.channel), { charges_fee: box.checked });
    channel.charges_fee = box.checked;
    say('channels', null, t('channelSaved', { name: channel.name || channel.channel }));
    onImported();
  } catch (error) {
    box.checked = !box.checked;
    say('channels', error);
  } finally {
    box.disabled = false;
  }
}

// ---- users --------------------------------------------------------------------------------------------------------

async function loadUsers() {
  try {
    users = rowsOf(await getJson('/api/v1/admin/users'), ['users']);
    renderUsers();
  } catch (error) {
    say('users', error);
  }
}

function scopeText(u) {
  if (u.role === 'hq') {
    return t('everyStore');
  }
  const parts = [];
  if (Array.isArray(u.stores) && u.stores.length) {
    parts.push(u.stores.join(', '));
  }
  if (Array.isArray(u.cities) && u.cities.length) {
    parts.push(t('citiesOf', { cities: u.cities.join(', ') }));
  }
  return parts.join(' · ') || '—';
}

function renderUsers() {
  const body = clear($('users-body'));
  body.append(table(
    [{ label: t('userName') }, { label: t('role') }, { label: t('userScope') }, { label: t('userState') }, { label: t('actions') }],
    users.map(u => ({
      attrs: { dataset: { user: u.username, disabled: String(u.disabled === true) } },
      cells: [u.username + (u.source === 'oidc' ? ' (' + t('sso') + ')' : ''), t('role_' + u.role), scopeText(u),
        u.disabled ? t('userDisabled') : t('userEnabled'),
        el('span', { class: 'row-actions' },
          el('button', { type: 'button', class: 'user-edit', onclick: () => edit(u), 'aria-label': t('userEditOf', { user: u.username }) }, t('edit')),
          el('button', { type: 'button', class: 'user-toggle', onclick: () => toggle(u),
            'aria-label': t(u.disabled ? 'userEnableOf' : 'userDisableOf', { user: u.username }) }, t(u.disabled ? 'enable' : 'disable')),
          el('button', { type: 'button', class: 'user-delete danger', onclick: () => remove(u),
            'aria-label': t('userDeleteOf', { user: u.username }) }, t('delete')))],
    })),
    { label: t('usersTitle') }));
}

function edit(u) {
  editing = u.username;
  $('user-name').value = u.username;
  $('user-name').readOnly = true;
  $('user-password').value = '';
  $('user-role').value = u.role;
  $('user-stores').value = (u.stores || []).join(', ');
  $('user-cities').value = (u.cities || []).join(', ');
  $('user-disabled').checked = u.disabled === true;
  renderForm();
  $('user-role').focus();
}

function resetForm() {
  editing = null;
  $('user-form').reset();
  $('user-name').readOnly = false;
  renderForm();
}

function renderForm() {
  $('user-form-title').textContent = editing ? t('userEditTitle', { user: editing }) : t('userNew');
  $('user-submit').textContent = editing ? t('save') : t('userCreate');
  $('user-password-label').textContent = editing ? t('passwordReset') : t('passwordNew');
  $('user-cancel').hidden = !editing;
}

async function saveUser(event) {
  event.preventDefault();
  const body = {
    role: $('user-role').value,
    stores: list($('user-stores').value),
    cities: list($('user-cities').value),
    disabled: $('user-disabled').checked,
  };
  const password = $('user-password').value;
  try {
    if (editing) {
      if (password) {
        body.password = password;
      }
      await send('PATCH', '/api/v1/admin/users/' + encodeURIComponent(editing), body);
      say('users', null, t('userSaved', { user: editing }));
    } else {
      const username = $('user-name').value.trim();
      if (!username) {
        say('users', t('userNameMissing'));
        $('user-name').focus();
        return;
      }
      delete body.disabled;
      await send('POST', '/api/v1/admin/users', { username, password, ...body });
      say('users', null, t('userCreated', { user: username }));
    }
    resetForm();
    await loadUsers();
  } catch (error) {
    say('users', error);
  }
}

async function toggle(u) {
  try {
    await send('PATCH', '/api/v1/admin/users/' + encodeURIComponent(u.username), { disabled: !u.disabled });
    say('users', null, t(u.disabled ? 'userEnabledNow' : 'userDisabledNow', { user: u.username }));
    await loadUsers();
  } catch (error) {
    say('users', error);
  }
}

async function remove(u) {
  if (!window.confirm(t('userDeleteConfirm', { user: u.username }))) {
    return;
  }
  try {
    await send('DELETE', '/api/v1/admin/users/' + encodeURIComponent(u.username));
    say('users', null, t('userDeleted', { user: u.username }));
    if (editing === u.username) {
      resetForm();
    }
    await loadUsers();
  } catch (error) {
    say('users', error);
  }
}

// ---- tokens -------------------------------------------------------------------------------------------------------

async function loadTokens() {
  try {
    tokens = rowsOf(await getJson('/api/v1/tokens'), ['tokens']);
    renderTokens();
  } catch (error) {
    say('tokens', error);
  }
}

function day(iso) {
  return iso ? String(iso).substring(0, 10) : '—';
}

function renderTokens() {
  const body = clear($('tokens-body'));
  const live = tokens.filter(k => !k.revoked_at);
  if (!live.length) {
    body.append(el('p', { class: 'muted' }, t('tokensNone')));
    return;
  }
  body.append(table(
    [{ label: t('tokenName') }, { label: t('role') }, { label: t('tokenCreated') }, { label: t('tokenExpires') },
      { label: t('tokenLastUsed') }, { label: t('actions') }],
    live.map(k => ({
      attrs: { dataset: { token: k.id } },
      cells: [k.name || k.id, t('role_' + k.role), day(k.created_at), day(k.expires_at), day(k.last_used_at),
        el('button', { type: 'button', class: 'danger', onclick: () => revoke(k), 'aria-label': t('tokenRevokeOf', { name: k.name || k.id }) },
          t('tokenRevoke'))],
    })),
    { label: t('tokensTitle') }));
}

async function createToken(event) {
  event.preventDefault();
  const name = $('token-name').value.trim();
  if (!name) {
    say('tokens', t('tokenNameMissing'));
    $('token-name').focus();
    return;
  }
  const days = Number($('token-days').value);
  try {
    const created = await send('POST', '/api/v1/tokens', { name, expires_days: days > 0 ? days : undefined });
    say('tokens', null);
    $('tokens-secret').textContent = created.token;
    $('tokens-new').hidden = false;
    $('token-form').reset();
    await loadTokens();
  } catch (error) {
    say('tokens', error);
  }
}

async function revoke(k) {
  try {
    await send('DELETE', '/api/v1/tokens/' + encodeURIComponent(k.id));
    await loadTokens();
  } catch (error) {
    say('tokens', error);
  }
}

// ---- the view -----------------------------------------------------------------------------------------------------

/** Which parts this role sees: called once when someone is signed in. */
export function setup(signedInRole, { imported }) {
  role = signedInRole;
  onImported = imported || onImported;
  $('import-panel').hidden = !(role === 'hq' || role === 'manager');
  $('channels-panel').hidden = role !== 'hq';
  $('users-panel').hidden = role !== 'hq';
  $('tokens-panel').hidden = false;
  $('import-form').addEventListener('submit', importFile);
  $('user-form').addEventListener('submit', saveUser);
  $('user-cancel').addEventListener('click', resetForm);
  $('token-form').addEventListener('submit', createToken);
  renderForm();
}

/** Fetches what the view shows, each time it is opened. */
export function open() {
  $('tokens-new').hidden = true;
  if (role === 'hq') {
    loadChannels();
    loadUsers();
  }
  loadTokens();
}

/** Puts the words of the current language in what was drawn. */
export function rerender() {
  if (role === 'hq') {
    renderChannels();
    renderUsers();
  }
  renderTokens();
  renderForm();
}
