import sanitizeHtml from 'sanitize-html';

/**
 * Server-side sanitizing of e-mail HTML with sanitize-html (an allowlist over htmlparser2, maintained by
 * Apostrophe; major version pinned in package.json). Everything not listed here is dropped, so a construct
 * nobody thought of is removed rather than passed through. Decisions, each a security one:
 *
 * - No script, style element, form, iframe, object, embed, base, meta, link or SVG/MathML: not allowed, so
 *   discarded; the text inside script, style, title, textarea, option, noscript and xmp is dropped with them.
 * - No event handler, id, name or class: only presentational attributes survive (id and name would let the mail
 *   clobber globals of the page that shows it; class would pick up that page's styles).
 * - Inline `style` is kept, because newsletters are laid out with it, but only for the properties listed in
 *   SAFE_STYLE_PROPERTIES and only with values that cannot fetch or execute: no `url(`, `expression(`,
 *   `@import`, `javascript:` and no backslash (CSS escapes could spell any of them). Nothing that positions a
 *   box over the page (`position`, `z-index`) is allowed. CSS background images are therefore always lost.
 * - Links: only http, https, mailto and tel, or an in-page `#fragment`; every link opens in a new tab with
 *   rel="noopener noreferrer".
 * - Images: `cid:` sources go through resolveCid; `data:` only for raster images (png, gif, jpeg, webp);
 *   http(s) and protocol-relative sources and `background` attributes are remote, kept only with
 *   allowRemoteImages (otherwise removed, tracking pixels with them, and reported by hasRemoteImages).
 *   `srcset` is always dropped: a remote image shows through its `src` alone.
 */

export interface SanitizeEmailHtmlOptions {
  /**
   * Keep images loaded from the network (`<img src="https://...">`, `background="https://..."`). Off by
   * default because a remote image tells the sender when and where the mail was read.
   */
  readonly allowRemoteImages?: boolean;
  /**
   * Maps the Content-ID a `cid:` image names (percent-decoded, without angle brackets) to the URL that serves
   * the attachment, e.g. the gateway's `/attachments/<token>`; null removes the image. Without it every
   * `cid:` image is removed. The URL returned is trusted: it must be the gateway's own.
   */
  readonly resolveCid?: (contentId: string) => string | null;
}

export interface SanitizedEmailHtml {
  readonly html: string;
  /** The mail has remote images, whether or not they were kept (drives a "Show remote images" action). */
  readonly hasRemoteImages: boolean;
}

const ALLOWED_TAGS = [
  'a', 'abbr', 'address', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code',
  'col', 'colgroup', 'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'font', 'h1', 'h2',
  'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp',
  'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time',
  'tr', 'tt', 'u', 'ul', 'var', 'wbr',
]; // prettier-ignore

const LAYOUT_ATTRIBUTES = ['align', 'valign', 'width', 'height', 'bgcolor', 'border', 'dir', 'lang', 'title'];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': [...LAYOUT_ATTRIBUTES, 'style'],
  a: ['href', 'target', 'rel'],
  img: ['src', 'alt'],
  font: ['color', 'face', 'size'],
  table: ['cellpadding', 'cellspacing', 'background', 'summary'],
  tr: ['background'],
  td: ['colspan', 'rowspan', 'nowrap', 'background', 'headers', 'scope'],
  th: ['colspan', 'rowspan', 'nowrap', 'background', 'headers', 'scope', 'abbr'],
  col: ['span'],
  colgroup: ['span'],
  ol: ['start', 'type', 'reversed'],
  ul: ['type'],
  li: ['value', 'type'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  time: ['datetime'],
};

const SAFE_STYLE_PROPERTIES = [
  'color', 'background', 'background-color', 'opacity', 'visibility', 'display', 'float', 'clear',
  'overflow', 'overflow-x', 'overflow-y', 'box-sizing', 'vertical-align',
  'width', 'height', 'min-width', 'max-width', 'min-height', 'max-height',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style',
  'border-width', 'border-radius', 'border-collapse', 'border-spacing',
  'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
  'border-top-style', 'border-right-style', 'border-bottom-style', 'border-left-style',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
  'border-top-left-radius', 'border-top-right-radius', 'border-bottom-left-radius', 'border-bottom-right-radius',
  'font', 'font-family', 'font-size', 'font-style', 'font-variant', 'font-weight', 'line-height',
  'letter-spacing', 'word-spacing', 'white-space', 'word-break', 'word-wrap', 'overflow-wrap',
  'text-align', 'text-decoration', 'text-indent', 'text-transform', 'text-overflow', 'direction',
  'list-style-type', 'list-style-position', 'table-layout', 'caption-side', 'empty-cells',
]; // prettier-ignore

/** A declaration value that cannot fetch a resource, run script or hide either behind a CSS escape. */
const SAFE_STYLE_VALUE = /^(?![\s\S]*(?:url\s*\(|expression\s*\(|@import|javascript:|vbscript:|\\))[\s\S]*$/i;

const ALLOWED_STYLES: Record<string, RegExp[]> = Object.fromEntries(
  SAFE_STYLE_PROPERTIES.map((property) => [property, [SAFE_STYLE_VALUE]]),
);

const LINK = /^(?:https?:|mailto:|tel:|#)/i;
const REMOTE = /^(?:https?:)?\/\//i;
const INLINE_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]*$/i;

/** Sanitizes one HTML body. Pure, never throws; the work grows linearly with the input. */
export function sanitizeEmailHtml(html: string, options: SanitizeEmailHtmlOptions = {}): SanitizedEmailHtml {
  const allowRemoteImages = options.allowRemoteImages ?? false;
  let hasRemoteImages = false;

  /** Keeps a `background` attribute only when it is a remote image the reader allowed. */
  const withoutBackground = (attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes => {
    const { background, ...rest } = attribs;
    if (background === undefined) return attribs;
    const url = background.trim();
    if (!REMOTE.test(url)) return rest;
    hasRemoteImages = true;
    return allowRemoteImages ? { ...rest, background: https(url) } : rest;
  };

  const output = sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedStyles: { '*': ALLOWED_STYLES },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'background'],
    allowProtocolRelative: false,
    allowVulnerableTags: false,
    disallowedTagsMode: 'discard',
    nonTextTags: [
      'script',
      'style',
      'title',
      'textarea',
      'option',
      'noscript',
      'xmp',
      'template',
      'svg',
      'math',
    ],
    transformTags: {
      a: (tagName, attribs) => {
        const { href, ...rest } = attribs;
        const link = href?.trim();
        const kept: sanitizeHtml.Attributes = link && LINK.test(link) ? { href: link } : {};
        return { tagName, attribs: { ...rest, ...kept, target: '_blank', rel: 'noopener noreferrer' } };
      },
      // An image whose source is refused becomes an empty span (alt text and size gone), cut from the output
      // at the end: an attribute-less empty span is a no-op wherever it stands. Two library routes
      // were worse: exclusiveFilter cuts the output string once per removed element, quadratic on a mail full
      // of tracking pixels; renaming to a disallowed tag leaves a stale rename behind for the next sibling's
      // end tag in sanitize-html 2.18 (`<img><p>a</p>` comes out as `<p>a</dropped>`).
      img: (tagName, attribs) => {
        const { src, ...rest } = attribs;
        const source = imageSource(src?.trim() ?? '');
        return source === null
          ? { tagName: 'span', attribs: {} }
          : { tagName, attribs: { ...rest, src: source } };
      },
      // Runs after the tag's own transform, on every element.
      '*': (tagName, attribs) => ({ tagName, attribs: withoutBackground(attribs) }),
    },
  });

  /** The src an image keeps, or null to remove the image. */
  function imageSource(src: string): string | null {
    if (/^cid:/i.test(src)) return resolveCid(src.slice(4));
    if (INLINE_IMAGE.test(src)) return src;
    if (REMOTE.test(src)) {
      hasRemoteImages = true;
      return allowRemoteImages ? https(src) : null;
    }
    return null;
  }

  function resolveCid(reference: string): string | null {
    if (!options.resolveCid) return null;
    let contentId: string;
    try {
      contentId = decodeURIComponent(reference);
    } catch {
      contentId = reference;
    }
    return options.resolveCid(contentId.trim().replace(/^<(.*)>$/, '$1'));
  }

  return { html: output.replaceAll('<span></span>', ''), hasRemoteImages };
}

/** Protocol-relative URLs become https, since the page showing the mail may not be served over http(s). */
function https(url: string): string {
  return url.startsWith('//') ? `https:${url}` : url;
}
