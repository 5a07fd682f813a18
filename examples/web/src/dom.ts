type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | boolean | undefined>;

/**
 * Creates an element. Text children become text nodes, never HTML: subjects, senders and snippets come from
 * other people's e-mail, so nothing here parses markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}
