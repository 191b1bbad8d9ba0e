// The StoreDash API as the page uses it: JSON on success, an ApiError with the problem's detail otherwise. The
// session's CSRF token is kept here, in memory only (never in storage a script of another page could read), and goes
// with every request that changes something; a 401 from any call is reported once to whoever listens (the sign-in).

export class ApiError extends Error {
  constructor(status, detail, service, parameter, problem, retryAfter) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.service = service;
    this.parameter = parameter;
    /** The whole problem body, when there was one (the 401 of GET /api/v1/session says whether single sign-on is on). */
    this.problem = problem || null;
    /** Seconds from the Retry-After header of a 429, or null. */
    this.retryAfter = retryAfter;
  }
}

let csrfToken = null;
let unauthorizedListener = null;

/** The CSRF token of the signed-in session (null when signed out). */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** Called with the ApiError of any call that answers 401, except those that ask for it to be quiet. */
export function onUnauthorized(listener) {
  unauthorizedListener = listener;
}

async function call(method, path, { body, signal, quiet401 } = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal, credentials: 'same-origin' });
  } catch (e) {
    if (e && e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, 'the gateway cannot be reached', 'gateway');
  }
  const type = response.headers.get('Content-Type') || '';
  if (response.ok) {
    if (response.status === 204) {
      return null;
    }
    if (!type.includes('json')) {
      throw new ApiError(response.status, 'unexpected answer (' + type + ')');
    }
    return response.json();
  }
  let detail = 'HTTP ' + response.status;
  let problem = null;
  if (type.includes('json')) {
    try {
      problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (e) {
      // keep the status line
    }
  }
  const retry = Number(response.headers.get('Retry-After'));
  const error = new ApiError(response.status, detail, problem && problem.service, problem && problem.parameter, problem,
    Number.isFinite(retry) && retry > 0 ? retry : null);
  if (response.status === 401 && !quiet401 && unauthorizedListener) {
    unauthorizedListener(error);
  }
  throw error;
}

/** GET path → parsed JSON; rejects with an ApiError whose detail is a sentence fit to show. */
export function getJson(path, { signal, quiet401 } = {}) {
  return call('GET', path, { signal, quiet401 });
}

/** POST/PUT/PATCH/DELETE with a JSON (or multipart) body and the CSRF header → parsed JSON, or null for 204. */
export function send(method, path, body, { quiet401 } = {}) {
  return call(method, path, { body, quiet401 });
}

/** A query string from the entries whose value is set. */
export function query(params) {
  const parts = [];
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(value));
    }
  }
  return parts.length ? '?' + parts.join('&') : '';
}

/**
 * The rows of an answer whose exact shape may vary: the first of the preferred keys that holds an array, else the
 * first array anywhere at the top level.
 */
export function rowsOf(data, preferred) {
  if (Array.isArray(data)) {
    return data;
  }
  if (!data || typeof data !== 'object') {
    return [];
  }
  for (const key of preferred) {
    if (Array.isArray(data[key])) {
      return data[key];
    }
  }
  for (const value of Object.values(data)) {
    if (Array.isArray(value)) {
      return value;
    }
  }
  return [];
}

/** The first of the named fields that a row has (not undefined/null). */
export function pick(row, names, fallback) {
  if (row && typeof row === 'object') {
    for (const name of names) {
      if (row[name] !== undefined && row[name] !== null) {
        return row[name];
      }
    }
  }
  return fallback;
}
