// Who is signed in: the sign-in form when nobody is (or the session ended), the user and role in the top bar and the
// sign-out button when someone is. The CSRF token of the session lives in api.js, in memory only.
import { t } from './i18n.js';
import { getJson, send, setCsrfToken, ApiError } from './api.js';

const $ = id => document.getElementById(id);

let current = null;
/** Whether the single sign-on link is offered (the 401 of GET /api/v1/session says `"oidc": true`). */
let ssoOffered = false;
let noticeKey = null;
/** A sentence from the gateway shown above the form instead of noticeKey's (why nobody can be signed in now). */
let noticeText = null;

/** The signed-in session ({user, role, stores, cities}), or null. */
export function user() {
  return current;
}

/** The role's name in words, in the page's language. */
export function roleWords(role) {
  return t('role_' + role);
}

/**
 * Asks the gateway who is signed in. Resolves to the session, to null when nobody is (the sign-in form is then
 * shown), or to undefined when this gateway has no sign-in at all (404: an older gateway, the dashboard is open).
 */
export async function check() {
  try {
    const session = await getJson('/api/v1/session', { quiet401: true });
    signedIn(session);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      ssoOffered = Boolean(error.problem && error.problem.oidc === true);
      showForm(null);
      return null;
    }
    if (error instanceof ApiError && error.status === 404) {
      return undefined;
    }
    // The gateway cannot say (its Redis or database does not answer, or it cannot be reached): the form, with the
    // gateway's sentence, rather than a dashboard whose every panel would fail the same way.
    showForm(null, error instanceof ApiError && error.status ? error.detail : t('signInUnreachable'));
    return null;
  }
}

function signedIn(session) {
  current = session;
  setCsrfToken(session.csrf_token);
  document.body.dataset.auth = 'signed-in';
  document.body.dataset.role = session.role || '';
  // The upload page is for the roles that import (hq, manager); the link to it is shown to them only.
  const upload = $('upload-link');
  if (upload) {
    upload.hidden = !(session.role === 'hq' || session.role === 'manager');
  }
  $('signin').hidden = true;
  $('who').hidden = false;
  $('sign-out').hidden = false;
  rerender();
}

/** Shows the sign-in form instead of everything else; noticeKey names a sentence above it (why it is shown). */
export function showForm(why, text) {
  current = null;
  setCsrfToken(null);
  noticeKey = why;
  noticeText = text || null;
  document.body.dataset.auth = 'signed-out';
  document.body.dataset.state = 'signed-out';
  delete document.body.dataset.role;
  // Each page has its own parts (the dashboard its controls and views, the upload page its own view).
  for (const id of ['controls', 'views', 'dashboard-view', 'manage-view', 'upload-view', 'upload-link', 'who', 'sign-out']) {
    const part = $(id);
    if (part) {
      part.hidden = true;
    }
  }
  $('signin').hidden = false;
  $('signin-error').textContent = '';
  $('signin-password').value = '';
  rerender();
  $('signin-user').focus();
}

/** A call answered 401 while someone was signed in: their session ended (expired, or signed out elsewhere). */
export function ended() {
  if (document.body.dataset.auth === 'signed-out') {
    return;
  }
  showForm('sessionEnded');
  // Whether single sign-on is offered is said by the 401 of GET /api/v1/session, not asked while signed in.
  getJson('/api/v1/session', { quiet401: true }).catch(error => {
    if (error instanceof ApiError && error.status === 401) {
      ssoOffered = Boolean(error.problem && error.problem.oidc === true);
      rerender();
    }
  });
}

function problemSentence(error) {
  if (!(error instanceof ApiError)) {
    return t('signInFailed');
  }
  if (error.status === 0) {
    return t('signInUnreachable');
  }
  let sentence = error.detail;
  if (error.status === 429 && error.retryAfter) {
    const at = new Date(Date.now() + error.retryAfter * 1000);
    sentence += ' ' + t('retryAt', { time: at.toLocaleTimeString(document.documentElement.lang, { hour: '2-digit', minute: '2-digit' }) });
  }
  return sentence;
}

async function submit(event) {
  event.preventDefault();
  const username = $('signin-user').value.trim();
  const password = $('signin-password').value;
  const error = $('signin-error');
  if (!username || !password) {
    error.textContent = t('signInMissing');
    (username ? $('signin-password') : $('signin-user')).focus();
    return;
  }
  $('signin-submit').disabled = true;
  error.textContent = '';
  try {
    await send('POST', '/api/v1/session', { username, password }, { quiet401: true });
    // A fresh page for the new user: nothing of the previous user's view (stores, figures) stays behind.
    window.location.reload();
  } catch (e) {
    error.textContent = problemSentence(e);
    document.body.dataset.signInStatus = String(e.status || 0);
    $('signin-password').value = '';
    $('signin-password').focus();
  } finally {
    $('signin-submit').disabled = false;
  }
}

async function signOut() {
  $('sign-out').disabled = true;
  try {
    await send('DELETE', '/api/v1/session', undefined, { quiet401: true });
  } catch (e) {
    // Already ended (401) or unreachable: the form is shown either way, and the reload asks the gateway again.
  }
  window.location.reload();
}

/** Puts the words of the current language in what this module shows. */
export function rerender() {
  if (current) {
    $('who-name').textContent = current.user;
    $('who-role').textContent = roleWords(current.role);
  }
  const notice = $('signin-notice');
  notice.textContent = noticeText || (noticeKey ? t(noticeKey) : '');
  notice.hidden = !notice.textContent;
  $('signin-sso').hidden = !ssoOffered;
}

export function wire() {
  $('signin-form').addEventListener('submit', submit);
  $('sign-out').addEventListener('click', signOut);
}
