// A tiny element builder: text is always set as text, never parsed as HTML.

/** `h('button', {class: 'btn', onclick: fn, 'aria-label': 'Stop'}, 'Stop')` */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Set an element's text only when it changed (keeps selections and avoids layout work). */
export function setText(el, text) {
  const value = String(text);
  if (el.textContent !== value) el.textContent = value;
}

/** `3s`, `4m 12s`, `2h 05m`, `3d 4h` since `epochSeconds`. */
export function formatUptime(epochSeconds, now = Date.now()) {
  const s = Math.max(0, Math.floor(now / 1000 - epochSeconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** Common signals offered in the menus. */
export const SIGNALS = ['HUP', 'INT', 'TERM', 'KILL', 'USR1', 'USR2', 'QUIT', 'CONT', 'STOP'];
