// The StoreDash API as the page uses it: JSON on success, an ApiError with the problem's detail otherwise.

export class ApiError extends Error {
  constructor(status, detail, service, parameter) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.service = service;
    this.parameter = parameter;
  }
}

/** GET path → parsed JSON; rejects with an ApiError whose detail is a sentence fit to show. */
export async function getJson(path, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  } catch (e) {
    if (e && e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, 'the gateway cannot be reached', 'gateway');
  }
  const type = response.headers.get('Content-Type') || '';
  if (response.ok) {
    if (!type.includes('json')) {
      throw new ApiError(response.status, 'unexpected answer (' + type + ')');
    }
    return response.json();
  }
  let detail = 'HTTP ' + response.status;
  let service;
  let parameter;
  if (type.includes('json')) {
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
      service = problem.service;
      parameter = problem.parameter;
    } catch (e) {
      // keep the status line
    }
  }
  throw new ApiError(response.status, detail, service, parameter);
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
