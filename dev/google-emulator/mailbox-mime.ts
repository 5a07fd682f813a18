import { escapeHtml } from './escape';
import { HOSTILE_HTML, largeNewsletter } from './hostile-corpus';
import { SUSPICIOUS_LABEL_ID } from './mailbox-content';
import type { MessageFeature, StoredMessage } from './message';
import {
  alternativeOf,
  contentTypeOf,
  encodable,
  estimateSize,
  htmlOf,
  textLeaf,
  type MimeLeaf,
  type MimeNode,
} from './mime';
import { Random } from './random';

type Header = { readonly name: string; readonly value: string };

/** A 1×1 transparent PNG: the bytes of every generated inline image. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Gives generated mail real MIME shapes without changing ids, dates, order, threads or text: receipts carry
 * PDFs (served by attachmentId) and small CSVs (inline data), travel mail a `cid:` logo in multipart/related,
 * project mail notes and design docs, promotions remote images and a tracking pixel, some personal mail
 * ISO-8859-1 or Windows-1252 bodies (quoted-printable or base64), Cc and Reply-To headers. The newest message
 * (rank 0) stays a plain multipart/alternative. With `specials` (the demo mailbox), some promotions are replaced
 * by the hostile corpus (label Suspicious), a showcase newsletter and an ISO-8859-1 message with RFC 2047
 * headers. Uses its own random stream, so the generator's draws (and with them every id) stay as they were.
 */
export function enrichMailbox(
  messages: readonly StoredMessage[],
  random: Random,
  options: { specials: boolean },
): StoredMessage[] {
  const enriched = messages.map((message) => (message.rank === 0 ? message : enrich(message, random)));
  if (!options.specials) return enriched;
  const specials = specialMessages();
  // Specials are made from the plain message, not its enriched form (no leftover Reply-To or newsletter).
  const slots = messages.filter(
    (m) =>
      m.rank > 0 &&
      m.labelIds.includes('CATEGORY_PROMOTIONS') &&
      !m.labelIds.includes('SPAM') &&
      !m.labelIds.includes('TRASH'),
  );
  const replaced = new Map<string, StoredMessage>();
  specials.forEach((special, i) => {
    const slot = slots[i];
    if (slot) replaced.set(slot.id, special(slot));
  });
  return enriched.map((m) => replaced.get(m.id) ?? m);
}

function enrich(message: StoredMessage, random: Random): StoredMessage {
  const roll = random.next();
  const received = !message.labelIds.includes('SENT');
  const domain = message.from.replace(/.*@/, '').replace(/>$/, '');
  const has = (label: string): boolean => message.labelIds.includes(label);
  if (!received) return message;
  if (has('Label_1')) {
    const pdf = attachment(
      'application/pdf',
      `receipt-${message.id.slice(-6)}.pdf`,
      pdfBytes(message, 6_000 + Math.floor(roll * 14_000)),
    );
    const parts: MimeNode[] = [alternativeOf(message.textBody), pdf];
    if (roll < 0.5) parts.push(attachment('text/csv', 'items.csv', Buffer.from(csvOf(message), 'utf8')));
    const features: MessageFeature[] = ['html', 'attachment', 'largeAttachment', 'replyTo'];
    return rebuild(message, mixed(parts), features, { replyTo: `Support <support@${domain}>` });
  }
  if (has('Label_2')) {
    const cid = `logo-${message.id.slice(-8)}@mail.example`;
    const html = `<div dir="ltr"><p><img src="cid:${cid}" alt="logo" width="120" height="40"></p>${htmlOf(message.textBody)}</div>\n`;
    const logo: MimeLeaf = {
      ...attachment('image/png', 'logo.png', PNG_1X1),
      disposition: 'inline',
      contentId: cid,
    };
    const alternative: MimeNode = {
      kind: 'multipart',
      subtype: 'alternative',
      parts: [
        textLeaf('text/plain', message.textBody),
        { kind: 'multipart', subtype: 'related', parts: [textLeaf('text/html', html), logo] },
      ],
    };
    const ics = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:${message.subject}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    if (roll < 0.5) {
      return rebuild(
        message,
        mixed([alternative, attachment('text/calendar', 'booking.ics', Buffer.from(ics, 'utf8'))]),
        ['html', 'inlineImage', 'attachment'],
      );
    }
    return rebuild(message, alternative, ['html', 'inlineImage']);
  }
  if (has('Label_3')) {
    const cc = `Priya Patel <priya.patel@northwind.example>, Jonas Novak <jonas.novak@northwind.example>`;
    if (roll < 0.33) {
      const notes = attachment(
        'text/plain',
        'notes.txt',
        Buffer.from(`Notes: ${message.subject}\n\n${message.textBody}`, 'utf8'),
      );
      return rebuild(message, mixed([alternativeOf(message.textBody), notes]), ['html', 'attachment', 'cc'], {
        cc,
      });
    }
    if (roll < 0.66) {
      const doc = attachment('application/pdf', 'design-doc.pdf', pdfBytes(message, 24_000));
      return rebuild(
        message,
        mixed([alternativeOf(message.textBody), doc]),
        ['html', 'attachment', 'largeAttachment', 'cc'],
        { cc },
      );
    }
    return rebuild(message, message.mime, ['html', 'cc'], { cc });
  }
  if (has('CATEGORY_PROMOTIONS')) {
    return rebuild(
      message,
      alternativeOf(message.textBody, newsletterHtml(message, domain)),
      ['html', 'remoteImages', 'trackingPixel'],
      {
        replyTo: `No Reply <no-reply@${domain}>`,
      },
    );
  }
  if (has('CATEGORY_PERSONAL') && !has('Label_1') && roll < 0.3) {
    const latin1 = roll < 0.18;
    const charset = latin1 ? 'ISO-8859-1' : 'windows-1252';
    // Windows-1252 mail typically comes from a client that typed curly quotes.
    const text = latin1 ? message.textBody : message.textBody.replace(/'/g, '’');
    const html = htmlOf(text);
    if (!encodable(text, charset) || !encodable(html, charset)) return message;
    const encoding = latin1 ? 'quoted-printable' : 'base64';
    const mime: MimeNode = {
      kind: 'multipart',
      subtype: 'alternative',
      parts: [
        textLeaf('text/plain', text, { charset, encoding }),
        textLeaf('text/html', html, { charset, encoding }),
      ],
    };
    const features: MessageFeature[] = latin1
      ? ['html', 'latin1', 'quotedPrintable']
      : ['html', 'windows1252'];
    const snippet = escapeHtml(snippetOf(text));
    return rebuild(
      { ...message, textBody: text, snippet, searchText: message.searchText.replace(/'/g, '’') },
      mime,
      features,
    );
  }
  return message;
}

function mixed(parts: readonly MimeNode[]): MimeNode {
  return { kind: 'multipart', subtype: 'mixed', parts };
}

function attachment(mimeType: string, filename: string, bytes: Buffer): MimeLeaf {
  const text = mimeType.startsWith('text/');
  return {
    kind: 'leaf',
    mimeType,
    ...(text ? { charset: 'UTF-8' } : {}),
    encoding: text && bytes.every((b) => b < 128) ? '7bit' : 'base64',
    bytes,
    filename,
    disposition: 'attachment',
  };
}

/** Deterministic bytes that start like a PDF and have exactly `size` bytes, binary ones included. */
function pdfBytes(message: StoredMessage, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  const head = Buffer.from(`%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% ${message.subject}\n`, 'latin1');
  head.copy(bytes, 0, 0, Math.min(head.length, size));
  const random = new Random(Random.seedFrom(size, message.id));
  for (let i = head.length; i < size; i++) bytes[i] = random.int(0, 255);
  return bytes;
}

function csvOf(message: StoredMessage): string {
  return `item,quantity,price\nCeramic mug (blue),1,12.00\nNotebook A5 (dotted),2,7.50\n# ${message.id}\n`;
}

function newsletterHtml(message: StoredMessage, domain: string): string {
  const paragraphs = message.textBody
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('');
  return (
    `<div dir="ltr"><table width="600"><tr><td><img src="https://cdn.${domain}/newsletter/banner.png" alt="${escapeHtml(message.subject)}" width="600"></td></tr>` +
    `<tr><td>${paragraphs}<p><a href="https://www.${domain}/deals?utm_source=email">See the offers</a></p></td></tr>` +
    `<tr><td><img src="https://cdn.${domain}/newsletter/product-1.jpg" alt="product" width="280"></td></tr></table>` +
    `<img src="https://track.${domain}/open.gif?m=${message.id}" width="1" height="1" alt=""></div>\n`
  );
}

/** The message with a new body and extra headers; Content-Type follows the tree, the size is estimated again. */
function rebuild(
  message: StoredMessage,
  mime: MimeNode,
  features: readonly MessageFeature[],
  extra: { cc?: string; replyTo?: string; subjectHeader?: string } = {},
): StoredMessage {
  const headers: Header[] = [];
  for (const header of message.headers) {
    if (header.name === 'Content-Type') {
      if (extra.cc !== undefined) headers.push({ name: 'Cc', value: extra.cc });
      if (extra.replyTo !== undefined) headers.push({ name: 'Reply-To', value: extra.replyTo });
      headers.push({ name: 'Content-Type', value: contentTypeOf(mime, message.id) });
    } else if (header.name === 'Subject' && extra.subjectHeader !== undefined) {
      headers.push({ name: 'Subject', value: extra.subjectHeader });
    } else {
      headers.push(header);
    }
  }
  const next = { ...message, headers, mime, features };
  return { ...next, sizeEstimate: estimateSize(next) };
}

/** The demo mailbox's showcase messages, each made from the promotion whose place (id, date, thread) it takes. */
function specialMessages(): Array<(slot: StoredMessage) => StoredMessage> {
  const showcase = (slot: StoredMessage): StoredMessage => {
    const subject = '🍂 Autumn collection: 30% off trail gear';
    const text = 'Our autumn collection is here.\n\nNew jackets, boots and packs, 30% off until Sunday.\n';
    const message = retell(slot, { from: 'Trailhead Outdoors <news@trailhead.example>', subject, text });
    return rebuild(
      message,
      alternativeOf(text, newsletterHtml(message, 'trailhead.example')),
      ['html', 'remoteImages', 'trackingPixel', 'encodedSubject'],
      {
        subjectHeader: `=?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`,
        replyTo: 'Trailhead Outdoors <hello@trailhead.example>',
      },
    );
  };
  const latin1 = (slot: StoredMessage): StoredMessage => {
    const subject = 'Réunion à Montréal';
    const text =
      "Bonjour,\n\nLa réunion de l'équipe aura lieu à Montréal, café « Chez Noël », à 9 h.\n\nÀ bientôt,\nHélène\n";
    const base = retell(slot, {
      from: 'Hélène Côté <helene.cote@example.org>',
      subject,
      text,
      labels: ['CATEGORY_PERSONAL'],
    });
    const message = { ...base, from: 'Hélène Côté <helene.cote@example.org>' };
    const mime: MimeNode = {
      kind: 'multipart',
      subtype: 'alternative',
      parts: [
        textLeaf('text/plain', text, { charset: 'ISO-8859-1', encoding: 'quoted-printable' }),
        textLeaf('text/html', htmlOf(text), { charset: 'ISO-8859-1', encoding: 'quoted-printable' }),
      ],
    };
    const withFrom = {
      ...message,
      headers: message.headers.map((h) =>
        h.name === 'From'
          ? { name: 'From', value: '=?ISO-8859-1?Q?H=E9l=E8ne_C=F4t=E9?= <helene.cote@example.org>' }
          : h,
      ),
    };
    return rebuild(withFrom, mime, ['html', 'latin1', 'quotedPrintable', 'encodedSubject', 'cc', 'replyTo'], {
      subjectHeader: '=?ISO-8859-1?Q?R=E9union_=E0_Montr=E9al?=',
      cc: 'Marc Tremblay <marc.tremblay@example.org>',
      replyTo: 'Hélène Côté <helene@example.net>',
    });
  };
  const hostile = HOSTILE_HTML.map((entry) => (slot: StoredMessage): StoredMessage => {
    const text = `This message carries the hostile HTML "${entry.name}". A safe reader shows: ${entry.keeps.join(', ')}.\n`;
    const message = retell(slot, {
      from: 'Hostile Corpus <corpus@hostile.example>',
      subject: `Hostile HTML: ${entry.name}`,
      text,
      suspicious: true,
    });
    return { ...rebuild(message, alternativeOf(text, entry.html), ['html', 'hostile']), hostile: entry.name };
  });
  const large = (slot: StoredMessage): StoredMessage => {
    const { html, rows } = largeNewsletter();
    const text = `A 1 MB newsletter of ${rows} rows, each with an onclick, a tracking pixel and a script.\n`;
    const message = retell(slot, {
      from: 'Hostile Corpus <corpus@hostile.example>',
      subject: 'Hostile HTML: 1 MB newsletter',
      text,
      suspicious: true,
    });
    return {
      ...rebuild(message, alternativeOf(text, html), ['html', 'hostile', 'remoteImages', 'trackingPixel']),
      hostile: 'large newsletter',
    };
  };
  return [showcase, latin1, ...hostile, large];
}

/** The slot's id, date, thread and flags with a new sender, subject and text. */
function retell(
  slot: StoredMessage,
  story: { from: string; subject: string; text: string; labels?: readonly string[]; suspicious?: boolean },
): StoredMessage {
  const labelIds = slot.labelIds.flatMap((label) =>
    label === 'CATEGORY_PROMOTIONS' && story.labels ? story.labels : [label],
  );
  const headers = slot.headers.map((h) => {
    if (h.name === 'Subject') return { name: 'Subject', value: story.subject };
    if (h.name === 'From') return { name: 'From', value: story.from };
    return h;
  });
  return {
    ...slot,
    labelIds: story.suspicious ? [SUSPICIOUS_LABEL_ID, ...labelIds] : labelIds,
    subject: story.subject,
    from: story.from,
    headers,
    textBody: story.text,
    snippet: escapeHtml(snippetOf(story.text)),
    searchText: `${story.subject}\n${story.from}\n${slot.to}\n${story.text}`.toLowerCase(),
  };
}

function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= 140) return flat;
  const cut = flat.slice(0, 140);
  return cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : 140);
}
