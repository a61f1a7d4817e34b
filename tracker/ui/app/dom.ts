/** A child of `h`: text (always set as text, never parsed as HTML), a node, or nothing. */
export type Child = Node | string | number | null | undefined | false | Child[];

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * Creates an element. Attributes go through `setAttribute` (`on*` keys add listeners instead),
 * children through text nodes — so user data can never become markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'href' && typeof v === 'string' && !isSafeHref(v)) continue;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/** Appends children to a node (text as text nodes). */
export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Only same-origin paths and http(s) links; never `javascript:` or `data:`. */
export function isSafeHref(v: string): boolean {
  return v.startsWith('/') || v.startsWith('#') || v.startsWith('?') || /^https?:\/\//i.test(v);
}

/** Replaces all children of a node. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A status message for a region (`role=status`, or `alert` for errors). */
export function message(kind: 'loading' | 'error' | 'empty', text: string): HTMLElement {
  return h('p', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
