import {
  CITIES,
  DAYS,
  FIRST_NAMES,
  LAST_NAMES,
  PERSONAL_DOMAINS,
  PROJECTS,
  SIGN_OFFS,
  SPAM_PARAGRAPHS,
  SPAM_SENDERS,
  SPAM_SUBJECTS,
  THREAD_TEMPLATES,
  USER_LABELS,
  type Sender,
  type ThreadTemplate,
} from './mailbox-content';
import { escapeHtml } from './escape';
import { rfc5322Date, type StoredMessage } from './message';
import { enrichMailbox } from './mailbox-mime';
import { alternativeOf, contentTypeHeader, estimateSize } from './mime';
import { Random } from './random';

/**
 * The newest generated message is from shortly before this instant. A fixed anchor (not the clock) keeps every
 * run identical; messages spread back over about seven months.
 */
const ANCHOR_MS = Date.UTC(2026, 9, 30, 17, 42, 0);
const SPAN_MS = 210 * 24 * 3600 * 1000;
const SNIPPET_LENGTH = 140;
const FIRST_HISTORY_ID = 1_204_000;
/** Conversation lengths and their weights: most mail is a single message, some threads run to four. */
const THREAD_SIZES: ReadonlyArray<readonly [number, number]> = [
  [1, 45],
  [2, 30],
  [3, 15],
  [4, 10],
];

export interface MailboxOwner {
  readonly email: string;
  readonly name: string;
}

/** Hidden (SPAM or TRASH) messages per visible message: 300 visible -> 20 hidden. */
export function hiddenCountFor(visibleCount: number): number {
  return Math.round(visibleCount / 15);
}

/** A message before ids, ranks and sizes are known. */
interface Draft {
  readonly internalDate: number;
  readonly sender: Sender;
  readonly recipient: Sender;
  readonly subject: string;
  readonly paragraphs: readonly string[];
  readonly labelIds: readonly string[];
  /** The draft this one answers, in the same thread. */
  readonly inReplyTo?: Draft;
}

/**
 * Generates a mailbox: `visibleCount` messages outside SPAM/TRASH plus `hiddenCountFor(visibleCount)` inside,
 * in Gmail order (newest first). The content depends only on the owner's address, name and the seed.
 */
export function generateMailbox(
  owner: MailboxOwner,
  visibleCount: number,
  seed: number,
  options: { specials?: boolean } = {},
): StoredMessage[] {
  const random = new Random(Random.seedFrom(seed, owner.email.toLowerCase()));
  const me: Sender = { name: owner.name, address: owner.email };
  const drafts = [...visibleDrafts(random, me, visibleCount), ...hiddenDrafts(random, me, visibleCount)];
  const ids = new Map<Draft, string>();
  const used = new Set<string>();
  for (const draft of drafts) {
    const id = messageIdFor(random, draft.internalDate, used);
    used.add(id);
    ids.set(draft, id);
  }
  const ordered = [...drafts].sort(
    (a, b) => b.internalDate - a.internalDate || (ids.get(b)! < ids.get(a)! ? -1 : 1),
  );
  const plain = ordered.map((draft, rank) => toStoredMessage(draft, rank, ordered.length, ids, me));
  const mimeRandom = new Random(Random.seedFrom(seed, `${owner.email.toLowerCase()}\u0000mime`));
  return enrichMailbox(plain, mimeRandom, { specials: options.specials ?? false });
}

function visibleDrafts(random: Random, me: Sender, count: number): Draft[] {
  const threads: Array<{ template: ThreadTemplate; size: number }> = [];
  for (let remaining = count; remaining > 0;) {
    const template = random.weighted(THREAD_TEMPLATES.map((t) => [t, t.weight] as const));
    const wanted = template.conversational ? random.weighted(THREAD_SIZES) : 1;
    const size = Math.min(wanted, remaining);
    threads.push({ template, size });
    remaining -= size;
  }
  const meanGap = SPAN_MS / Math.max(threads.length, 1);
  let start = ANCHOR_MS - random.int(5, 90) * 60_000;
  return threads.flatMap(({ template, size }, index) => {
    const drafts = threadDrafts(random, me, template, size, start, index / threads.length);
    start -= Math.max(60_000, random.exponential(meanGap));
    return drafts;
  });
}

function threadDrafts(
  random: Random,
  me: Sender,
  template: ThreadTemplate,
  size: number,
  start: number,
  age: number,
): Draft[] {
  const correspondent = template.senders ? random.pick(template.senders) : person(random, template.kind);
  const facts = threadFacts(random);
  const subject = fill(random.pick(template.subjects), facts, correspondent, me);
  const important = random.chance(template.importantChance);
  const drafts: Draft[] = [];
  let at = start;
  for (let i = 0; i < size; i++) {
    const fromMe = i % 2 === 1;
    const sender = fromMe ? me : correspondent;
    const recipient = fromMe ? correspondent : me;
    const labelIds = fromMe ? sentLabels(important) : receivedLabels(random, template, important, age);
    const previous = drafts[i - 1];
    drafts.push({
      internalDate: wholeSeconds(Math.min(at, ANCHOR_MS - random.int(1, 240) * 1000)),
      sender,
      recipient,
      subject: i === 0 ? subject : `Re: ${subject}`,
      paragraphs: body(random, template, facts, sender, recipient),
      labelIds,
      ...(previous ? { inReplyTo: previous } : {}),
    });
    at += random.int(20, 36 * 60) * 60_000;
  }
  return drafts;
}

/** SPAM and TRASH: single messages scattered over the whole span. */
function hiddenDrafts(random: Random, me: Sender, visibleCount: number): Draft[] {
  const count = hiddenCountFor(visibleCount);
  const spam = Math.ceil(count * 0.6);
  return Array.from({ length: count }, (_, i) => {
    const internalDate = wholeSeconds(ANCHOR_MS - random.next() * SPAN_MS);
    if (i < spam) {
      const sender = random.pick(SPAM_SENDERS);
      const facts = threadFacts(random);
      return {
        internalDate,
        sender,
        recipient: me,
        subject: fill(random.pick(SPAM_SUBJECTS), facts, sender, me),
        paragraphs: [fill(random.pick(SPAM_PARAGRAPHS), facts, sender, me)],
        labelIds: random.chance(0.5) ? ['SPAM', 'UNREAD'] : ['SPAM'],
      };
    }
    const template = random.weighted(THREAD_TEMPLATES.map((t) => [t, t.weight] as const));
    const [draft] = threadDrafts(random, me, template, 1, internalDate, 1);
    return { ...draft!, internalDate, labelIds: [...draft!.labelIds.filter((l) => l !== 'INBOX'), 'TRASH'] };
  });
}

/** Like Gmail's internalDate for most mail: whole seconds. */
function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function sentLabels(important: boolean): string[] {
  return important ? ['IMPORTANT', 'SENT'] : ['SENT'];
}

/** `age` is 0 for the newest thread and approaches 1 for the oldest: recent mail is more often unread. */
function receivedLabels(random: Random, template: ThreadTemplate, important: boolean, age: number): string[] {
  const labels: string[] = [];
  const userLabel = USER_LABELS.find((label) => label.name === template.userLabel);
  if (userLabel) labels.push(userLabel.id);
  if (important) labels.push('IMPORTANT');
  labels.push(template.category);
  if (random.chance(template.kind === 'personal' || template.kind === 'travel' ? 0.1 : 0.03)) {
    labels.push('STARRED');
  }
  const unreadChance = template.category === 'CATEGORY_PROMOTIONS' ? 0.5 : age < 0.08 ? 0.55 : 0.1;
  if (random.chance(unreadChance)) labels.push('UNREAD');
  if (!random.chance(0.12)) labels.push('INBOX');
  return labels;
}

function person(random: Random, kind: string): Sender {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const local = `${first}.${last}`.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const domain = kind === 'work' ? 'northwind.example' : random.pick(PERSONAL_DOMAINS);
  return { name: `${first} ${last}`, address: `${local}@${domain}` };
}

const firstName = (sender: Sender): string => sender.name.split(' ')[0] ?? sender.name;

/** The details a thread's subject and bodies share, so that an order number or a city stays the same. */
type Facts = Readonly<Record<string, string>>;

function threadFacts(random: Random): Facts {
  return {
    day: random.pick(DAYS),
    city: random.pick(CITIES),
    project: random.pick(PROJECTS),
    amount: `${random.int(3, 480)}.${String(random.int(0, 99)).padStart(2, '0')}`,
    order: String(random.int(100_000, 999_999)),
    n: String(random.int(2, 99)),
    time: `${random.int(8, 19)}:${random.pick(['00', '15', '30', '45'])}`,
  };
}

function fill(template: string, facts: Facts, sender: Sender, recipient: Sender): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'from') return firstName(sender);
    if (key === 'to') return firstName(recipient);
    return facts[key] ?? key;
  });
}

function body(
  random: Random,
  template: ThreadTemplate,
  facts: Facts,
  sender: Sender,
  recipient: Sender,
): string[] {
  const count = random.int(1, Math.min(3, template.paragraphs.length));
  const paragraphs = new Set<string>();
  while (paragraphs.size < count) paragraphs.add(random.pick(template.paragraphs));
  const filled = [...paragraphs].map((p) => fill(p, facts, sender, recipient));
  if (template.senders) return filled;
  // People write a greeting and sign their name; senders that are companies do not.
  return [`Hi ${firstName(recipient)},`, ...filled, `${random.pick(SIGN_OFFS)}\n${firstName(sender)}`];
}

/** Gmail-like ids: 16 hex digits whose high bits are the arrival time, so they sort like dates. */
function messageIdFor(random: Random, internalDate: number, used: ReadonlySet<string>): string {
  for (;;) {
    const id = ((BigInt(internalDate) << 20n) | BigInt(random.int(0, 0xfffff))).toString(16);
    if (!used.has(id)) return id;
  }
}

function toStoredMessage(
  draft: Draft,
  rank: number,
  total: number,
  ids: Map<Draft, string>,
  me: Sender,
): StoredMessage {
  const id = ids.get(draft)!;
  const from = address(draft.sender);
  const to = address(draft.recipient);
  const textBody = draft.paragraphs.join('\n\n') + '\n';
  const messageIdHeader = (d: Draft): string => `<${ids.get(d)!}.${d.internalDate}@${domainOf(d.sender)}>`;
  const headers = [
    ...(draft.recipient === me ? [{ name: 'Delivered-To', value: me.address }] : []),
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Date', value: rfc5322Date(draft.internalDate) },
    { name: 'Message-ID', value: messageIdHeader(draft) },
    ...(draft.inReplyTo
      ? [
          { name: 'In-Reply-To', value: messageIdHeader(draft.inReplyTo) },
          { name: 'References', value: messageIdHeader(draft.inReplyTo) },
        ]
      : []),
    { name: 'Subject', value: draft.subject },
    { name: 'From', value: from },
    { name: 'To', value: to },
    { name: 'Content-Type', value: contentTypeHeader(id) },
  ];
  const mime = alternativeOf(textBody);
  return {
    id,
    threadId: ids.get(threadRoot(draft))!,
    rank,
    labelIds: draft.labelIds,
    internalDate: draft.internalDate,
    historyId: String(FIRST_HISTORY_ID + (total - rank) * 7),
    subject: draft.subject,
    from,
    to,
    headers,
    textBody,
    mime,
    features: ['html'],
    snippet: escapeHtml(snippetOf(textBody)),
    sizeEstimate: estimateSize({ headers, mime }),
    searchText: `${draft.subject}\n${from}\n${to}\n${textBody}`.toLowerCase(),
  };
}

function threadRoot(draft: Draft): Draft {
  let root = draft;
  while (root.inReplyTo) root = root.inReplyTo;
  return root;
}

/** `Alice Martin <alice.martin@example.com>`; names with specials are quoted like mail clients do. */
function address(sender: Sender): string {
  const name = /[",.<>@]/.test(sender.name) ? `"${sender.name.replace(/"/g, '\\"')}"` : sender.name;
  return `${name} <${sender.address}>`;
}

function snippetOf(text: string): string {
  const flat = text
    .slice(0, SNIPPET_LENGTH * 2)
    .replace(/\s+/g, ' ')
    .trim();
  if (flat.length <= SNIPPET_LENGTH) return flat;
  const cut = flat.slice(0, SNIPPET_LENGTH);
  return cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : SNIPPET_LENGTH);
}

function domainOf(sender: Sender): string {
  return sender.address.split('@')[1] ?? 'mail.example';
}
