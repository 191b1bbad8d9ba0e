// Renders the OpenAPI document (/openapi.json, the same document as /openapi.yaml) as a list of operations with
// their parameters, bodies and answers. Small on purpose: no external renderer, no CDN.
import { el, clear } from './dom.js';

function resolve(doc, node) {
  let current = node;
  for (let i = 0; i < 10 && current && current.$ref; i++) {
    current = current.$ref.replace(/^#\//, '').split('/').reduce((n, key) => (n ? n[key] : undefined), doc);
  }
  return current || {};
}

function refName(node) {
  return node && node.$ref ? node.$ref.split('/').pop() : null;
}

function describeSchema(doc, schema) {
  if (!schema) {
    return '';
  }
  const name = refName(schema);
  const s = resolve(doc, schema);
  const parts = [];
  if (s.allOf) {
    return s.allOf.map(part => describeSchema(doc, part)).filter(Boolean).join(' and ');
  }
  if (s.not && s.not.enum) {
    return 'not ' + s.not.enum.join(', ');
  }
  if (name && !s.pattern && !s.enum) {
    parts.push(name);
  } else if (s.type) {
    parts.push(s.type + (s.format ? ' (' + s.format + ')' : ''));
  }
  if (s.enum) {
    parts.push('one of ' + s.enum.join(', '));
  }
  if (s.minimum !== undefined || s.maximum !== undefined) {
    parts.push((s.minimum !== undefined ? s.minimum : '…') + '–' + (s.maximum !== undefined ? s.maximum : '…'));
  }
  if (s.pattern) {
    parts.push('pattern ' + s.pattern);
  }
  if (s.default !== undefined) {
    parts.push('default ' + s.default);
  }
  return parts.join(', ');
}

function operation(doc, path, method, op) {
  const section = el('section', { class: 'op', id: op.operationId || null });
  section.append(el('div', { class: 'op-line' },
    el('span', { class: 'method ' + method }, method),
    el('span', { class: 'path' }, path),
    el('span', { class: 'summary' }, op.summary || ''),
    op.security ? el('span', { class: 'lock' }, '🔒 Bearer admin token') : null));
  if (op.description) {
    section.append(el('p', { class: 'desc' }, op.description));
  }
  const params = (op.parameters || []).map(p => resolve(doc, p));
  if (params.length) {
    section.append(el('table', null,
      el('thead', null, el('tr', null, el('th', null, 'parameter'), el('th', null, 'in'), el('th', null, 'schema'), el('th', null, 'description'))),
      el('tbody', null, params.map(p => el('tr', null,
        el('td', null, el('code', null, p.name), p.required ? ' *' : ''),
        el('td', null, p.in),
        el('td', null, describeSchema(doc, p.schema)),
        el('td', null, p.description || ''))))));
  }
  if (op.requestBody) {
    const body = resolve(doc, op.requestBody);
    section.append(el('p', null, 'Body: ', Object.keys(body.content || {}).map(type => el('code', null, type)).reduce((a, b) => a.concat(a.length ? [' or ', b] : [b]), [])));
  }
  const responses = Object.entries(op.responses || {});
  section.append(el('table', null,
    el('thead', null, el('tr', null, el('th', null, 'status'), el('th', null, 'answer'))),
    el('tbody', null, responses.map(([status, r]) => {
      const response = resolve(doc, r);
      const content = Object.entries(response.content || {})
        .map(([type, media]) => type + (media.schema ? ' — ' + describeSchema(doc, media.schema) : '')).join('; ');
      return el('tr', null, el('td', null, el('code', null, status)), el('td', null, response.description || '', content ? el('div', { class: 'summary' }, content) : null));
    }))));
  return section;
}

async function start() {
  const main = document.getElementById('docs');
  try {
    const response = await fetch('/openapi.json');
    if (!response.ok) {
      throw new Error('HTTP ' + response.status);
    }
    const doc = await response.json();
    clear(main);
    document.getElementById('title').textContent = (doc.info && doc.info.title) || 'API';
    main.append(el('div', { class: 'intro' }, (doc.info && doc.info.description) || ''));
    const byTag = new Map();
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
        if (item[method]) {
          const tag = (item[method].tags || ['other'])[0];
          if (!byTag.has(tag)) {
            byTag.set(tag, []);
          }
          byTag.get(tag).push(operation(doc, path, method, item[method]));
        }
      }
    }
    for (const [tag, sections] of byTag) {
      const info = (doc.tags || []).find(t => t.name === tag);
      main.append(el('h2', null, tag));
      if (info && info.description) {
        main.append(el('p', { class: 'summary' }, info.description));
      }
      main.append(...sections);
    }
  } catch (e) {
    document.getElementById('docs-status').textContent = 'The API description could not be loaded: ' + e.message;
    document.getElementById('docs-status').className = 'error';
  }
}

start();
