import { h } from './dom';

/**
 * Shows an e-mail's HTML (already sanitized by the gateway) in a sandboxed frame, the second wall should the
 * sanitizer ever miss something:
 * - `sandbox` without `allow-scripts`: nothing in the mail runs, not even an event handler;
 * - without `allow-same-origin` the frame's document has an opaque origin: it cannot read this page, its
 *   storage (the session token) or its cookies;
 * - `allow-popups` + `allow-popups-to-escape-sandbox`: links (the gateway gives them `target="_blank"`) open in
 *   a normal new tab;
 * - its own Content-Security-Policy loads nothing but styles written in the mail and images from the gateway
 *   (inline `cid:` images are attachment URLs) or `data:`; remote images only when the reader asked for them.
 *   A srcdoc document also inherits this page's policy (index.html), which therefore allows what mail needs.
 */
export function messageFrame(html: string, options: { allowRemoteImages: boolean }): HTMLIFrameElement {
  const images = [
    "'self'",
    window.location.origin,
    'data:',
    ...(options.allowRemoteImages ? ['https:', 'http:'] : []),
  ];
  const policy = `default-src 'none'; img-src ${images.join(' ')}; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'`;
  const frame = h('iframe', {
    class: 'message-frame',
    title: 'Message body',
    sandbox: 'allow-popups allow-popups-to-escape-sandbox',
    referrerpolicy: 'no-referrer',
    'data-testid': 'message-body-frame',
    'data-remote-images': String(options.allowRemoteImages),
  });
  frame.srcdoc =
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${policy}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<style>${FRAME_STYLE}</style></head><body>${html}</body></html>`;
  return frame;
}

const FRAME_STYLE =
  'body{margin:0;padding:16px;font-family:system-ui,sans-serif;line-height:1.5;color:#1f1f1f;overflow-wrap:anywhere}' +
  'img{max-width:100%;height:auto}table{max-width:100%}';
