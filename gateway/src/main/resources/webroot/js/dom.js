// Building elements from data. Text always goes in as text, never as HTML: imported product names and order ids
// are shown exactly as they were written, whatever they contain.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (name === 'class') {
        node.className = value;
      } else if (name === 'dataset') {
        Object.assign(node.dataset, value);
      } else if (name.startsWith('on') && typeof value === 'function') {
        node.addEventListener(name.substring(2), value);
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
  return node;
}

/**
 * A table with a header row and, when given, a caption that names it; cells are text or nodes. A named table's
 * wrapper, which scrolls sideways on a narrow screen, is a focusable region, so it can be scrolled with the keyboard.
 */
export function table(headers, rows, { className, caption, label } = {}) {
  const name = caption || label;
  return el('div', { class: 'table-wrap', role: name ? 'region' : null, 'aria-label': name || null, tabindex: name ? '0' : null },
    el('table', { class: className || 'data-table' },
      caption ? el('caption', null, caption) : null,
      el('thead', null, el('tr', null, headers.map(h => el('th', { scope: 'col', class: h.numeric ? 'num' : null }, h.label)))),
      el('tbody', null, rows.map(row => el('tr', row.attrs || null,
        // Each cell names its column, which a narrow screen shows beside it when a row becomes a card.
        row.cells.map((cell, i) => el('td', { class: headers[i] && headers[i].numeric ? 'num' : null,
          'data-label': headers[i] ? headers[i].label : null }, cell)))))));
}
