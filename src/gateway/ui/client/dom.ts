/// <reference lib="dom" />
/**
 * A few DOM helpers instead of a UI library: elements are built with `h()`, text always goes in as
 * text (never as HTML), and lists are updated in place by key so focus and scroll survive updates.
 */

export type Child = Node | string | number | false | null | undefined | Child[];
export type Attrs = Record<string, string | number | boolean | ((event: any) => void) | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** A form's buttons: the primary submit (a label or a ready button) and one that leaves without saving. */
export function formActions(submit: string | HTMLElement, onLeave: () => void, leave = 'Cancel'): HTMLElement {
  const primary = typeof submit === 'string' ? h('button', { type: 'submit', class: 'primary' }, submit) : submit;
  return h('div', { class: 'actions' }, primary, h('button', { type: 'button', onclick: () => onLeave() }, leave));
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
}

/**
 * Makes `parent`'s children match `items`: elements are kept by key (so a focused button stays
 * focused), updated with `update`, created with `create`, and moved or removed as needed.
 */
export function keyed<T>(
  parent: HTMLElement,
  items: readonly T[],
  keyOf: (item: T) => string,
  create: (item: T) => HTMLElement,
  update?: (el: HTMLElement, item: T) => void,
): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(parent.children) as HTMLElement[])
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  let previous: Element | null = null;
  for (const item of items) {
    const key = keyOf(item);
    let el = existing.get(key);
    if (el) {
      existing.delete(key);
      update?.(el, item);
    } else {
      el = create(item);
      el.dataset.key = key;
    }
    const slot: Element | null = previous ? previous.nextElementSibling : parent.firstElementChild;
    if (slot !== el) parent.insertBefore(el, slot);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
}

/** Keeps a scrolled list pinned to its end when it was at the end before an update. */
export function pinToEnd(list: HTMLElement, update: () => void): void {
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  update();
  if (atEnd) list.scrollTop = list.scrollHeight;
}

/** "2 min", "45 s": short durations for people. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Shows a short message in a live region (screen readers announce it). */
export function announce(region: HTMLElement, text: string, kind: 'info' | 'error' = 'info'): void {
  region.textContent = text;
  region.classList.toggle('error', kind === 'error');
  region.hidden = text === '';
}

/**
 * Focuses `target` after an asynchronous step, unless the user has meanwhile moved on to something
 * outside `pane` (the playground's two panes are used by one person in turns: a late focus call
 * would pull their typing into the other box).
 */
export function refocus(target: HTMLElement, pane: HTMLElement): void {
  const now = document.activeElement;
  if (!now || now === document.body || pane.contains(now)) target.focus();
}
