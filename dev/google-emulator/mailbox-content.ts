// The raw material of generated mailboxes: people, senders, subjects and bodies. Every domain is a reserved
// example domain, so nothing here points at a real organisation. `{placeholders}` are filled by mailbox-generator.ts.

export type CategoryLabel =
  'CATEGORY_PERSONAL' | 'CATEGORY_UPDATES' | 'CATEGORY_PROMOTIONS' | 'CATEGORY_SOCIAL' | 'CATEGORY_FORUMS';

export interface UserLabel {
  readonly id: string;
  readonly name: string;
  /** From Gmail's label palette; undefined: no colour set. */
  readonly color?: { readonly textColor: string; readonly backgroundColor: string };
}

/** The demo mailbox files its hostile corpus here. */
export const SUSPICIOUS_LABEL_ID = 'Label_4';

/** Every mailbox has the same user labels, like an account set up by one person. */
export const USER_LABELS: readonly UserLabel[] = [
  { id: 'Label_1', name: 'Receipts', color: { textColor: '#ffffff', backgroundColor: '#16a766' } },
  { id: 'Label_2', name: 'Travel', color: { textColor: '#ffffff', backgroundColor: '#4a86e8' } },
  { id: 'Label_3', name: 'Projects' },
  {
    id: SUSPICIOUS_LABEL_ID,
    name: 'Suspicious',
    color: { textColor: '#ffffff', backgroundColor: '#cc3a21' },
  },
];

/** Whitespace-separated words: keeps the long lists below readable. */
const words = (text: string): readonly string[] => text.split(/\s+/).filter(Boolean);

export const FIRST_NAMES = words(`
  Alice Bruno Chloé Daniel Emma Farid Grace Hiro Inès Jonas Kavya Liam Maya Noah Olga Pablo Quinn Rosa
  Samir Tess Umar Vera Wen Yusuf Zoë
`);
export const LAST_NAMES = words(`
  Martin Okafor Nakamura Schmidt García Rossi Dubois Kowalski Haddad Novak Silva Jensen Murphy Ivanova
  Chen Patel Lindqvist Moreau Becker Costa
`);
export const PERSONAL_DOMAINS = words('example.com example.org example.net mail.example');

export const CITIES = words('Lisbon Kyoto Montréal Oslo Nairobi Valparaíso Tbilisi Edinburgh');
export const PROJECTS = words('Atlas Bluebird Cobalt Driftwood Ember Foxglove');
export const DAYS = words('Monday Tuesday Wednesday Thursday Friday Saturday Sunday');

export interface Sender {
  readonly name: string;
  readonly address: string;
}

/** One kind of conversation: who writes, about what, and how Gmail would file it. */
export interface ThreadTemplate {
  readonly kind: string;
  readonly weight: number;
  readonly category: CategoryLabel;
  /** undefined: a person from FIRST_NAMES/LAST_NAMES. */
  readonly senders?: readonly Sender[];
  readonly subjects: readonly string[];
  readonly paragraphs: readonly string[];
  readonly userLabel?: string;
  readonly importantChance: number;
  /** The user answers: threads of up to 4 messages alternating between the sender and the user. */
  readonly conversational: boolean;
}

export const THREAD_TEMPLATES: readonly ThreadTemplate[] = [
  {
    kind: 'personal',
    weight: 26,
    category: 'CATEGORY_PERSONAL',
    subjects: [
      'Lunch on {day}?',
      'Photos from the weekend',
      'Are you around this {day}?',
      "Mum's birthday plans",
      'Quick question about the flat',
      'That book I mentioned',
      'Trip to {city} next month',
      'Catching up',
      'Running club: new route',
      'Recipe you asked for',
    ],
    paragraphs: [
      "Hope you're well! I was thinking we could meet on {day} around {time} if that works for you.",
      "I've put the photos in a shared album, there are a few good ones of everyone at the lake.",
      "Let me know what you think, no rush at all. I'll be around most of the week.",
      'We still need to decide who brings what. I can do dessert & drinks if someone else does the salad.',
      "Did you ever finish that series? I'm on the last season and I can't stop watching.",
      'The weather in {city} looks great for the dates we talked about, shall I look at tickets?',
      "Thanks again for the other night, it was lovely to see you. Let's not wait so long next time.",
    ],
    importantChance: 0.35,
    conversational: true,
  },
  {
    kind: 'work',
    weight: 14,
    category: 'CATEGORY_PERSONAL',
    subjects: [
      'Project {project}: status update',
      '{project} kickoff notes',
      'Review request: {project} design doc',
      'Agenda for {day} sync',
      'Re-planning the {project} milestone',
      'Invoice #{order} for October',
    ],
    paragraphs: [
      'Attached are the notes from today. The main open question is the rollout date for {project}.',
      'Could you take a look at section 3 before {day}? I think the estimates are a bit optimistic.',
      "We're about {n}% done with the migration; the remaining work is mostly testing.",
      'I moved our sync to {time} on {day}, I hope that still works for everyone.',
      "Let me know if anything's unclear, happy to jump on a call.",
    ],
    userLabel: 'Projects',
    importantChance: 0.6,
    conversational: true,
  },
  {
    kind: 'receipt',
    weight: 9,
    category: 'CATEGORY_UPDATES',
    senders: [
      { name: 'Acme Store', address: 'orders@acme-store.example' },
      { name: 'Nimbus Books', address: 'receipts@nimbus-books.example' },
      { name: 'Greengrocer Co-op', address: 'no-reply@greengrocer.example' },
    ],
    subjects: [
      'Your order #{order} has shipped',
      'Receipt for your purchase of ${amount}',
      'Order confirmation #{order}',
      'Your refund of ${amount} is on its way',
    ],
    paragraphs: [
      'Thanks for your order! Your total was ${amount}, charged to the card ending in {n}.',
      "Your parcel is on its way and should arrive by {day}. We'll email you when it's out for delivery.",
      'Order #{order}: 1 × Ceramic mug (blue), 2 × Notebook A5 (dotted).',
      'Questions about your order? Reply to this email and our team will help.',
    ],
    userLabel: 'Receipts',
    importantChance: 0.2,
    conversational: false,
  },
  {
    kind: 'travel',
    weight: 5,
    category: 'CATEGORY_UPDATES',
    senders: [
      { name: 'SkyWays Airlines', address: 'booking@skyways.example' },
      { name: 'Rail Europa', address: 'tickets@rail-europa.example' },
      { name: 'Harbour Hotels', address: 'stay@harbour-hotels.example' },
    ],
    subjects: [
      'Your trip to {city}: booking confirmed',
      'Check in now for your flight to {city}',
      'Your e-ticket for {day}',
      'Reservation #{order} at Harbour Hotel {city}',
    ],
    paragraphs: [
      'Booking reference {order}. Departure {day} at {time}, please arrive at least 90 minutes early.',
      'Your seat is {n}A. You can change it for free until 24 hours before departure.',
      "We're looking forward to welcoming you in {city}! Check-in is from 3 pm.",
    ],
    userLabel: 'Travel',
    importantChance: 0.5,
    conversational: false,
  },
  {
    kind: 'notification',
    weight: 12,
    category: 'CATEGORY_UPDATES',
    senders: [
      { name: 'CodeHub', address: 'notifications@codehub.example' },
      { name: 'Cloudbank', address: 'alerts@cloudbank.example' },
      { name: 'Calendar', address: 'calendar-notification@calendar.example' },
    ],
    subjects: [
      '[{project}] Pull request #{n} merged',
      'Security alert: new sign-in on Linux',
      'Your statement for October is ready',
      'Invitation: {project} review @ {day} {time}',
      '[{project}] CI failed on main',
      'Payment received: ${amount}',
    ],
    paragraphs: [
      '{from} merged 3 commits into main. View it on CodeHub to see the full diff.',
      "We noticed a new sign-in to your account. If this was you, you don't need to do anything.",
      'Your balance on {day} was ${amount}. Log in to see all transactions.',
      'You are receiving this because you are subscribed to this thread.',
    ],
    importantChance: 0.25,
    conversational: false,
  },
  {
    kind: 'promotion',
    weight: 17,
    category: 'CATEGORY_PROMOTIONS',
    senders: [
      { name: 'Acme Store', address: 'deals@acme-store.example' },
      { name: 'Trailhead Outdoors', address: 'news@trailhead.example' },
      { name: 'Nimbus Books', address: 'newsletter@nimbus-books.example' },
    ],
    subjects: [
      '🎉 {n}% off everything this weekend',
      'New arrivals you might like',
      'Last chance: free shipping ends tonight',
      'Our {city} store is opening!',
      'Your monthly reading picks',
    ],
    paragraphs: [
      "Don't miss out: use code AUTUMN{n} at checkout. Offer ends {day} at midnight.",
      "We picked these just for you, based on what you've browsed recently.",
      'You are receiving this email because you signed up for our newsletter. Unsubscribe at any time.',
    ],
    importantChance: 0,
    conversational: false,
  },
  {
    kind: 'social',
    weight: 9,
    category: 'CATEGORY_SOCIAL',
    senders: [
      { name: 'Linkbook', address: 'notifications@linkbook.example' },
      { name: 'Pictogram', address: 'no-reply@pictogram.example' },
    ],
    subjects: [
      'You appeared in {n} searches this week',
      '{from} commented on your photo',
      'You have {n} new connection requests',
      '{from} shared a post from {city}',
    ],
    paragraphs: [
      'See who has been looking at your profile and grow your network.',
      '"Beautiful shot! Where was this taken?" Reply to join the conversation.',
      'Manage your notification settings to choose what you hear about.',
    ],
    importantChance: 0,
    conversational: false,
  },
  {
    kind: 'forum',
    weight: 5,
    category: 'CATEGORY_FORUMS',
    senders: [{ name: 'node-dev list', address: 'node-dev@lists.example.org' }],
    subjects: [
      '[node-dev] Proposal: drop support for old runtimes',
      '[node-dev] Release {n}.0 schedule',
      '[node-dev] Flaky test in the {project} suite',
    ],
    paragraphs: [
      'I think we should discuss this at the next meeting; the current plan leaves a lot of users behind.',
      '+1 to this. We tried the same approach in {project} and it worked well.',
      "The failure only shows up on CI, I couldn't reproduce it locally with {n} runs.",
    ],
    importantChance: 0.05,
    conversational: true,
  },
  {
    kind: 'club',
    weight: 3,
    category: 'CATEGORY_FORUMS',
    senders: [{ name: 'Cycling Club', address: 'members@cycling-club.example.org' }],
    subjects: ["[club] Sunday's ride starts at {time}", '[club] Lost & found after the {city} sportive'],
    paragraphs: [
      'Meeting point is the usual café. Bring lights, it gets dark early now.',
      'Someone left a blue rain jacket at the finish. Reply if it is yours!',
    ],
    importantChance: 0,
    conversational: false,
  },
];

export const SPAM_SENDERS: readonly Sender[] = [
  { name: 'Prize Department', address: 'winner@lucky-draw.example' },
  { name: 'Crypto Gains', address: 'profit@fast-money.example' },
  { name: 'Pharmacy Online', address: 'sales@cheap-pills.example' },
];
export const SPAM_SUBJECTS = [
  'You have WON ${amount}!!!',
  'URGENT: confirm your account now',
  'Make ${amount} a day from home',
  'Re: your invoice is overdue',
];
export const SPAM_PARAGRAPHS = [
  'Dear customer, you have been selected! Click here to claim your reward before {day}.',
  'This is not spam. To stop receiving these messages reply STOP.',
];

export const SIGN_OFFS = ['Best,', 'Cheers,', 'Thanks,', 'Talk soon,', 'Regards,'];
