import type * as Parse5 from 'parse5' with { 'resolution-mode': 'import' };
import { HOSTILE_HTML, largeNewsletter } from '../../dev/google-emulator/hostile-corpus';
import { sanitizeEmailHtml, type SanitizeEmailHtmlOptions } from '../../src/mail/html-sanitizer';

interface Element {
  readonly name: string;
  readonly attribs: Record<string, string>;
}

// parse5 follows the HTML standard's parsing algorithm, so the output is checked as a browser would read it,
// not with htmlparser2, the parser sanitize-html itself uses (a disagreement between the two is how mXSS works).
// It is ESM-only, hence the dynamic import.
let parse5: typeof Parse5;
beforeAll(async () => {
  parse5 = await import('parse5');
});

/** Parses sanitized output back into its elements and its text, the way a reader's page would see them. */
function parse(html: string): { elements: Element[]; text: string } {
  const elements: Element[] = [];
  let text = '';
  type Node = Parse5.DefaultTreeAdapterMap['node'];
  const visit = (node: Node): void => {
    if (node.nodeName === '#text') text += (node as Parse5.DefaultTreeAdapterMap['textNode']).value;
    if ('tagName' in node) {
      const attribs = Object.fromEntries(node.attrs.map((attr) => [attr.name, attr.value]));
      elements.push({ name: node.tagName, attribs });
      if (node.tagName === 'template') visit((node as Parse5.DefaultTreeAdapterMap['template']).content);
    }
    if ('childNodes' in node) for (const child of node.childNodes) visit(child);
  };
  visit(parse5.parseFragment(html));
  return { elements, text };
}

const FORBIDDEN_ELEMENTS = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button',
  'textarea', 'select', 'option', 'base', 'meta', 'link', 'svg', 'math', 'noscript', 'template', 'xmp', 'title',
  'foreignobject', 'html', 'head', 'body',
]); // prettier-ignore

/** Every rule a safe result keeps, broken ones listed: what a hostile mail must never get through. */
function violations(html: string, allowRemoteImages: boolean): string[] {
  const found: string[] = [];
  if (/<\s*\/?\s*(script|iframe|svg|style|object|embed|base|meta)\b/i.test(html))
    found.push('a dangerous tag');
  if (/javascript:|vbscript:|data:text/i.test(html)) found.push('a script URL');
  const image = allowRemoteImages
    ? /^(https?:\/\/|\/attachments\/|data:image\/(png|gif|jpe?g|webp);base64,)/
    : /^(\/attachments\/|data:image\/(png|gif|jpe?g|webp);base64,)/;
  for (const { name, attribs } of parse(html).elements) {
    if (FORBIDDEN_ELEMENTS.has(name)) found.push(`<${name}>`);
    for (const [attribute, value] of Object.entries(attribs)) {
      if (/^on|^(id|name|class|srcset|formaction|xlink:href|action)$/.test(attribute))
        found.push(`${name}[${attribute}]`);
      if (
        attribute === 'style' &&
        /url\s*\(|expression|@import|\\|position|z-index|behavior|binding/i.test(value)
      ) {
        found.push(`${name}[style=${value}]`);
      }
      if (attribute === 'background' && !(allowRemoteImages && /^https?:\/\//.test(value))) {
        found.push(`${name}[background=${value}]`);
      }
    }
    if (name === 'a') {
      if (attribs['target'] !== '_blank' || attribs['rel'] !== 'noopener noreferrer')
        found.push('a link with an opener');
      const href = attribs['href'];
      if (href !== undefined && !/^(https?:|mailto:|tel:|#)/i.test(href)) found.push(`a[href=${href}]`);
    }
    if (name === 'img' && !image.test(attribs['src'] ?? '')) found.push(`img[src=${attribs['src']}]`);
  }
  return found;
}

function expectSafe(html: string, { allowRemoteImages = false }: SanitizeEmailHtmlOptions = {}): string {
  expect(violations(html, allowRemoteImages)).toEqual([]);
  return parse(html).text;
}

it('the safety check itself finds each kind of dangerous construct', () => {
  const unsafe =
    '<script></script><a href="javascript:x">a</a><img src="https://t.example/p.gif" onerror="x">' +
    '<p style="background:url(x)" id="clobber">p</p><td background="https://t.example/b.gif">t</td>';
  expect(violations(unsafe, false)).toEqual([
    'a dangerous tag',
    'a script URL',
    '<script>',
    'a link with an opener',
    'a[href=javascript:x]',
    'img[onerror]',
    'img[src=https://t.example/p.gif]',
    'p[style=background:url(x)]',
    'p[id]',
  ]);
});

describe('sanitizeEmailHtml on the hostile corpus', () => {
  it.each(HOSTILE_HTML.map((mail) => [mail.name, mail] as const))(
    'removes every dangerous construct of "%s" and keeps its text',
    (_name, mail) => {
      for (const allowRemoteImages of [false, true]) {
        const { html } = sanitizeEmailHtml(mail.html, { allowRemoteImages });
        const text = expectSafe(html, { allowRemoteImages });
        for (const benign of mail.keeps) expect(text).toContain(benign);
      }
    },
  );

  it('does not leave the text of scripts, styles or the head in the result', () => {
    const byName = (name: string) => HOSTILE_HTML.find((mail) => mail.name === name)!.html;
    expect(sanitizeEmailHtml(byName('script tags')).html).not.toContain('__pwned');
    expect(sanitizeEmailHtml(byName('CSS that fetches or runs')).html).not.toContain('@import');
    expect(sanitizeEmailHtml(byName('base and meta refresh')).html).not.toContain('Hidden title');
  });

  it('sanitizes a 1 MB newsletter whole: every row kept, every attack in it gone', () => {
    const { html: input, rows } = largeNewsletter();
    expect(input.length).toBeGreaterThanOrEqual(1024 * 1024);
    const { html, hasRemoteImages } = sanitizeEmailHtml(input);
    const text = expectSafe(html);
    expect(hasRemoteImages).toBe(true);
    expect(text).toContain('Item 0');
    expect(text).toContain(`Item ${rows - 1}`);
    expect(parse(html).elements.filter((element) => element.name === 'a')).toHaveLength(rows);
    expect(html).not.toContain('steal(');
  });
});

describe('sanitizeEmailHtml images', () => {
  const newsletter =
    '<p>Hi</p><img src="https://track.example/open.gif" width="1" height="1">' +
    '<img src="//cdn.example/banner.png" alt="banner"><td background="https://cdn.example/bg.png">x</td>';

  it('removes remote images, tracking pixels and backgrounds by default and says there were some', () => {
    const { html, hasRemoteImages } = sanitizeEmailHtml(newsletter);
    expect(hasRemoteImages).toBe(true);
    expect(html).not.toMatch(/track\.example|cdn\.example|<img/);
    expect(html).toContain('<p>Hi</p>');
  });

  it('keeps remote images when allowed, protocol-relative ones made https', () => {
    const { html, hasRemoteImages } = sanitizeEmailHtml(newsletter, { allowRemoteImages: true });
    expect(hasRemoteImages).toBe(true);
    const images = parse(html).elements.filter((element) => element.name === 'img');
    expect(images.map((image) => image.attribs['src'])).toEqual([
      'https://track.example/open.gif',
      'https://cdn.example/banner.png',
    ]);
    expect(html).toContain('background="https://cdn.example/bg.png"');
  });

  it('reports no remote images for a mail with only inline ones', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const { html, hasRemoteImages } = sanitizeEmailHtml(`<img src="${png}" alt="dot"><p>text</p>`);
    expect(hasRemoteImages).toBe(false);
    expect(html).toContain(`src="${png}"`);
  });

  it('removes data: images that are not raster images', () => {
    const svg = '<img src="data:image/svg+xml;base64,PHN2Zy8+"><img src="data:text/html,hi">';
    expect(sanitizeEmailHtml(svg, { allowRemoteImages: true }).html).toBe('');
  });

  it('points cid: images at the URL resolveCid gives, percent-decoded, and removes the ones it refuses', () => {
    const asked: string[] = [];
    const resolveCid = (contentId: string) => {
      asked.push(contentId);
      return contentId === 'logo@example.com' ? '/attachments/signed-token' : null;
    };
    const { html, hasRemoteImages } = sanitizeEmailHtml(
      '<img src="cid:logo%40example.com" alt="Logo"><img src="CID:unknown@example.com" alt="gone">',
      { resolveCid },
    );
    expect(asked).toEqual(['logo@example.com', 'unknown@example.com']);
    expect(html).toBe('<img alt="Logo" src="/attachments/signed-token" />');
    expect(hasRemoteImages).toBe(false);
  });

  it('removes cid: images when no resolver is given', () => {
    expect(sanitizeEmailHtml('<img src="cid:logo@example.com"><p>x</p>').html).toBe('<p>x</p>');
  });
});

describe('sanitizeEmailHtml links and styles', () => {
  it('opens every link in a new tab without an opener, whatever the mail asked', () => {
    const { html } = sanitizeEmailHtml(
      '<a href="https://shop.example/" target="_self" rel="opener">Shop</a>',
    );
    expect(html).toBe('<a target="_blank" rel="noopener noreferrer" href="https://shop.example/">Shop</a>');
  });

  it('keeps mailto, tel and fragment links and drops relative ones', () => {
    const { html } = sanitizeEmailHtml(
      '<a href="mailto:a@example.com">m</a><a href="tel:+331234">t</a><a href="#top">f</a><a href="/account/delete">r</a>',
    );
    const hrefs = parse(html).elements.map((element) => element.attribs['href']);
    expect(hrefs).toEqual(['mailto:a@example.com', 'tel:+331234', '#top', undefined]);
  });

  it('keeps the layout styles of a newsletter and drops only the dangerous declarations', () => {
    const { html } = sanitizeEmailHtml(
      '<td style="color: #333; padding: 4px; background: url(https://x.example/a.png); font-size: 14px; position: absolute">x</td>',
    );
    expect(html).toBe('<td style="color:#333;padding:4px;font-size:14px">x</td>');
  });

  it('keeps benign formatting: tables, lists, headings, quotes', () => {
    const input =
      '<h1>Title</h1><table width="100%" cellpadding="0"><tr><td align="center">cell</td></tr></table>' +
      '<ul><li>one</li></ul><blockquote>quoted</blockquote><p><b>b</b> <i>i</i> <u>u</u></p>';
    expect(sanitizeEmailHtml(input).html).toBe(input);
  });
});
