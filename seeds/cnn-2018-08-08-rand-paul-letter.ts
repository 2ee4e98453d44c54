import type { SeedArticle } from './types.js';

// Hand-modelled from seeds/cnn-2018-08-08-rand-paul-letter.txt (CNN, Wednesday 2018-08-08).
// Date conventions (the article is dated Wed 2018-08-08):
//   "Wednesday" / "on Wednesday"  -> 2018-08-08
//   "this week"                   -> the week of Mon 2018-08-06 .. Sun 2018-08-12
//   "last month"                  -> July 2018
//   "this fall"                   -> autumn 2018, taken as 2018-09-01 .. 2018-11-30
// Where the text fixes no date for a statement, saidAt falls back to the publication date
// (2018-08-08); every statement says which in a comment.
// The body contains U+00A0 (non-breaking spaces); quotes copy them as "\u00a0".

const PUBLISHED = '2018-08-08';

const article: SeedArticle = {
  url: 'https://www.cnn.com/2018/08/08/politics/rand-paul-trump-letter-putin/index.html',
  // The text has no headline; this one restates the lede.
  headline: 'Rand Paul says he delivered a letter from Trump to Putin urging further engagement',
  source: 'CNN',
  publishedAt: PUBLISHED,
  bodyFile: 'cnn-2018-08-08-rand-paul-letter.txt',

  people: [
    {
      slug: 'rand-paul',
      name: 'Rand Paul',
      // "Republican Senator Rand Paul" is printed with a U+00A0 after "Republican"; aliases are
      // stored with ordinary spaces.
      aliases: ['Paul', 'Senator Paul', 'Senator Rand Paul', 'Republican Senator Rand Paul', 'the Senator'],
      description: 'Republican senator',
    },
    {
      slug: 'donald-trump',
      name: 'Donald Trump',
      aliases: ['Trump', 'President Trump', 'President Donald Trump', 'the president'],
      description: 'President of the United States',
    },
    {
      slug: 'vladimir-putin',
      name: 'Vladimir Putin',
      aliases: ['Putin', 'President Putin', 'President Vladimir Putin', 'Russian President Vladimir Putin'],
      description: 'President of Russia',
    },
    {
      slug: 'dmitry-peskov',
      name: 'Dmitry Peskov',
      aliases: [], // the text only ever writes "Dmitry Peskov"
      description: "Putin's press secretary",
    },
    {
      slug: 'john-brennan',
      name: 'John Brennan',
      aliases: ['former CIA Director John Brennan'],
      description: 'Former CIA director',
    },
    {
      slug: 'hogan-gidley',
      name: 'Hogan Gidley',
      aliases: ['White House spokesman Hogan Gidley'],
      description: 'White House spokesman',
    },
  ],

  mentionedPeople: ['rand-paul', 'donald-trump', 'vladimir-putin', 'dmitry-peskov', 'john-brennan', 'hogan-gidley'],

  events: [
    {
      key: 'paul-moscow-visit',
      name: "Rand Paul's visit to Moscow",
      kind: 'visit',
      // "who is visiting Moscow this week": the text fixes only the week, so the week's bounds.
      startDate: '2018-08-06',
      endDate: '2018-08-12',
      location: 'Moscow, Russia',
      description: 'Senator Rand Paul visits Moscow in the week of 2018-08-06, carrying a letter from President Trump introducing him to President Putin.',
      participants: [{ person: 'rand-paul', role: 'visitor' }],
    },
    {
      key: 'letter-of-introduction',
      name: "Trump's letter of introduction for Rand Paul to Putin",
      kind: 'letter',
      // Written at some point before Paul announced its delivery on Wednesday 2018-08-08; no start fixed.
      endDate: '2018-08-08',
      description:
        "At Senator Paul's request, President Trump wrote a letter to President Putin introducing Paul. Obtained by CNN, it calls for more engagement between the two countries and lists topics Paul wanted to discuss: legislative exchanges, parliamentary dialogue, cultural and educational exchange programs, increased counter-terrorism cooperation (building on the disruption of the St. Petersburg plot) and resolution of the military conflicts in Syria and Ukraine.",
      participants: [
        { person: 'donald-trump', role: 'author' },
        { person: 'vladimir-putin', role: 'addressee' },
        { person: 'rand-paul', role: 'requester' },
      ],
    },
    {
      key: 'letter-delivery',
      name: "Delivery of Trump's letter to Putin's administration",
      kind: 'letter delivery',
      // Announced as done on Wednesday 2018-08-08; the text does not say on which day it was handed over.
      endDate: '2018-08-08',
      location: 'Moscow, Russia',
      description:
        "Rand Paul, visiting Moscow that week, delivered Trump's letter to Putin's administration; according to Dmitry Peskov it reached Putin through diplomatic channels.",
      participants: [
        { person: 'rand-paul', role: 'courier' },
        { person: 'donald-trump', role: 'sender' },
        { person: 'vladimir-putin', role: 'recipient' },
      ],
    },
    {
      key: 'trump-paul-conversations',
      name: 'Trump–Paul conversations ahead of the Moscow visit',
      kind: 'conversations',
      // "leading up to the Senator's visit": over before the visit, which was under way by 2018-08-08.
      endDate: '2018-08-08',
      description: "Trump spoke with Paul numerous times leading up to the Senator's visit to Moscow (per a source who told CNN).",
      participants: [
        { person: 'donald-trump', role: 'participant' },
        { person: 'rand-paul', role: 'participant' },
      ],
    },
    {
      key: 'helsinki-summit',
      name: 'Trump–Putin summit in Helsinki',
      kind: 'summit',
      // The text says "last month in Helsinki"; the summit was held on 2018-07-16.
      startDate: '2018-07-16',
      endDate: '2018-07-16',
      location: 'Helsinki, Finland',
      description: "Trump's meeting with Putin in Helsinki, the first face-to-face meeting before the invited second one.",
      participants: [
        { person: 'donald-trump', role: 'participant' },
        { person: 'vladimir-putin', role: 'participant' },
      ],
    },
    {
      key: 'helsinki-aftermath',
      name: "Criticism and defence of Trump's conduct at the Helsinki summit",
      kind: 'criticism',
      // Followed the summit of 2018-07-16; no end fixed.
      startDate: '2018-07-16',
      description:
        "Trump was criticized by members of both parties for refusing to blame Russia for meddling in the 2016 election; some critics, including former CIA Director John Brennan, called Trump's deference toward Putin treasonous. Rand Paul defended Trump.",
      participants: [
        { person: 'donald-trump', role: 'target' },
        { person: 'john-brennan', role: 'critic' },
        { person: 'rand-paul', role: 'defender' },
      ],
    },
    {
      key: 'putin-invites-trump',
      name: 'Putin invites Trump to Russia for a second meeting',
      kind: 'invitation',
      // Announced "last month" (July 2018); a *second* meeting, so not before the first (Helsinki, 2018-07-16).
      startDate: '2018-07-16',
      endDate: '2018-07-31',
      description: 'Putin announced that he had invited Trump to Russia for a second face-to-face meeting.',
      participants: [
        { person: 'vladimir-putin', role: 'inviter' },
        { person: 'donald-trump', role: 'invitee' },
      ],
    },
    {
      key: 'trump-invites-putin',
      name: 'Trump invites Putin to the US',
      kind: 'invitation',
      // "had originally invited": the text fixes no date for the invitation itself.
      description: 'Trump originally invited Putin to the United States for a meeting this fall.',
      participants: [
        { person: 'donald-trump', role: 'inviter' },
        { person: 'vladimir-putin', role: 'invitee' },
      ],
    },
    {
      key: 'putin-us-visit',
      name: "Putin's planned visit to the US (delayed)",
      kind: 'planned meeting',
      // "this fall" = autumn 2018; later delayed, so these are the originally planned bounds.
      startDate: '2018-09-01',
      endDate: '2018-11-30',
      location: 'United States',
      description: 'Meeting planned for fall 2018 after Trump invited Putin to the US; Trump then said it would be delayed.',
      participants: [
        { person: 'donald-trump', role: 'host' },
        { person: 'vladimir-putin', role: 'invitee' },
      ],
    },
    {
      key: 'russian-meddling-2016',
      name: 'Russian meddling in the 2016 US election',
      kind: 'election interference',
      // The text fixes only the year ("the 2016 election").
      startDate: '2016-01-01',
      endDate: '2016-12-31',
      location: 'United States',
      description: 'Russia meddled in the 2016 election; Trump refused to blame Russia for it at Helsinki.',
      participants: [], // the actor is Russia, not a person the article names
    },
    {
      key: 'st-petersburg-plot-disruption',
      name: 'Disruption of the St. Petersburg plot',
      kind: 'counter-terrorism operation',
      // "recent successes": the text fixes no date.
      location: 'St. Petersburg, Russia',
      description: "A plot in St. Petersburg was disrupted; Trump's letter cites it as a recent counter-terrorism success to build on.",
      participants: [],
    },
  ],

  statements: [
    // ── Rand Paul ───────────────────────────────────────────────────────────────────────────
    {
      // The opening tweet. "announced Wednesday" -> 2018-08-08.
      quote: "I was honored to deliver a letter from President Trump to President Vladimir Putin's administration.",
      kind: 'DIRECT_QUOTE',
      speaker: 'rand-paul',
      speakerLabel: 'Republican Senator Rand Paul',
      channel: 'tweet',
      saidAt: '2018-08-08', // "announced Wednesday"
      event: 'letter-delivery',
      mentions: ['rand-paul', 'donald-trump', 'vladimir-putin'],
    },
    {
      quote: 'he delivered a letter from President Donald Trump to Russian President Vladimir Putin',
      kind: 'PARAPHRASE',
      speaker: 'rand-paul',
      speakerLabel: 'Republican Senator Rand Paul',
      saidAt: '2018-08-08', // "announced Wednesday"
      event: 'letter-delivery',
      mentions: ['rand-paul', 'donald-trump', 'vladimir-putin'],
    },
    {
      // Paul's words about the letter, quoted inside his announcement.
      quote: 'emphasized the importance of further engagement.',
      kind: 'PARTIAL_QUOTE',
      speaker: 'rand-paul',
      speakerLabel: 'Republican Senator Rand Paul',
      saidAt: '2018-08-08', // "announced Wednesday"
      event: 'letter-delivery',
      mentions: [],
    },
    {
      quote: "he was honored to deliver the letter to Putin's administration",
      kind: 'PARAPHRASE',
      speaker: 'rand-paul',
      speakerLabel: 'Paul',
      channel: 'tweet',
      saidAt: '2018-08-08', // the same Wednesday announcement (the tweet quoted at the top)
      event: 'letter-delivery',
      mentions: ['rand-paul', 'vladimir-putin'],
    },
    {
      // Reports Paul's public speech without its content; "last month" dates the meeting, not the
      // defence, so saidAt falls back to the publication date.
      quote: 'defended\u00a0Trump after his\u00a0meeting\u00a0with Putin last month in Helsinki',
      kind: 'PARAPHRASE',
      speaker: 'rand-paul',
      speakerLabel: 'Paul',
      saidAt: PUBLISHED, // not fixed by the text (some time after 2018-07-16)
      event: 'helsinki-aftermath',
      mentions: ['donald-trump', 'vladimir-putin'],
    },

    // ── Donald Trump (the letter) ───────────────────────────────────────────────────────────
    {
      quote: 'calls for more engagement between the two countries',
      kind: 'PARAPHRASE',
      speaker: 'donald-trump',
      speakerLabel: 'The letter',
      channel: 'letter',
      saidAt: PUBLISHED, // the letter's date is not given
      event: 'letter-of-introduction',
      mentions: [],
    },
    {
      quote: 'Senator Paul would appreciate the opportunity to meet with you to discuss several topics,',
      kind: 'DIRECT_QUOTE',
      speaker: 'donald-trump',
      speakerLabel: 'the letter',
      channel: 'letter',
      saidAt: PUBLISHED, // the letter's date is not given
      event: 'letter-of-introduction',
      mentions: ['rand-paul', 'vladimir-putin'], // "you" = Putin, the addressee
    },
    {
      quote:
        'He is interested in\u00a0legislative\u00a0exchanges, parliamentary dialogue and cultural and educational exchange programs, increased counter-terrorism cooperation, building on recent successes like the disruption of the St. Petersburg plot and resolution of the military conflicts in Syria and Ukraine.',
      kind: 'DIRECT_QUOTE',
      speaker: 'donald-trump',
      speakerLabel: 'the letter',
      channel: 'letter',
      saidAt: PUBLISHED, // the letter's date is not given
      event: 'letter-of-introduction',
      mentions: ['rand-paul'], // "He" = Senator Paul
    },

    // ── Donald Trump (other) ────────────────────────────────────────────────────────────────
    {
      quote: 'the meeting would be delayed',
      kind: 'PARAPHRASE',
      speaker: 'donald-trump',
      speakerLabel: 'Trump',
      saidAt: PUBLISHED, // "then said": not fixed by the text
      event: 'putin-us-visit',
      mentions: [],
    },

    // ── Vladimir Putin ──────────────────────────────────────────────────────────────────────
    {
      quote: 'he invited Trump to Russia for a second face-to-face meeting',
      kind: 'PARAPHRASE',
      speaker: 'vladimir-putin',
      speakerLabel: 'Putin',
      // "Last month": the text fixes only July 2018; the first of the month stands for it.
      saidAt: '2018-07-01',
      event: 'putin-invites-trump',
      mentions: ['vladimir-putin', 'donald-trump'],
    },

    // ── Dmitry Peskov ───────────────────────────────────────────────────────────────────────
    {
      // The reported clause with its quoted words, marks included.
      quote: 'the letter\u00a0was given to Putin through "diplomatic channels."',
      kind: 'PARTIAL_QUOTE',
      speaker: 'dmitry-peskov',
      speakerLabel: "Putin's press secretary, Dmitry Peskov",
      channel: 'RIA Novosti',
      saidAt: PUBLISHED, // not fixed by the text
      event: 'letter-delivery',
      mentions: ['vladimir-putin'],
    },

    // ── Critics ─────────────────────────────────────────────────────────────────────────────
    {
      quote: 'refusing to blame Russia for meddling in the 2016 election',
      kind: 'PARAPHRASE',
      speakerLabel: 'members of both parties',
      saidAt: PUBLISHED, // not fixed by the text (some time after 2018-07-16)
      event: 'helsinki-aftermath',
      mentions: ['donald-trump'], // "The president" is the one refusing
    },
    {
      quote: "Trump's deference toward Putin\u00a0treasonous",
      kind: 'PARAPHRASE',
      speaker: 'john-brennan',
      speakerLabel: 'former CIA Director John Brennan',
      saidAt: PUBLISHED, // not fixed by the text (some time after 2018-07-16)
      event: 'helsinki-aftermath',
      mentions: ['donald-trump', 'vladimir-putin'],
    },

    // ── Unnamed source ──────────────────────────────────────────────────────────────────────
    {
      quote: "Trump spoke with Paul numerous times leading up to the Senator's visit to Moscow",
      kind: 'PARAPHRASE',
      speakerLabel: 'a source',
      channel: 'CNN',
      saidAt: PUBLISHED, // not fixed by the text
      event: 'trump-paul-conversations',
      mentions: ['donald-trump', 'rand-paul'],
    },

    // ── White House ─────────────────────────────────────────────────────────────────────────
    {
      quote: 'the intent of the letter was to introduce Paul to Putin',
      kind: 'PARAPHRASE',
      speakerLabel: 'the White House',
      channel: 'statement',
      saidAt: '2018-08-08', // "said on Wednesday"
      event: 'letter-of-introduction',
      mentions: ['rand-paul', 'vladimir-putin'],
    },
    {
      quote: "At Senator Paul's request, President Trump provided a letter of introduction,",
      kind: 'DIRECT_QUOTE',
      speaker: 'hogan-gidley',
      speakerLabel: 'White House spokesman Hogan Gidley',
      channel: 'statement',
      saidAt: '2018-08-08', // the White House's Wednesday statement (the text gives no separate date)
      event: 'letter-of-introduction',
      mentions: ['rand-paul', 'donald-trump'],
    },
    {
      quote: 'In the letter, the president mentioned topics of interest that Senator Paul wanted to discuss with President Putin.',
      kind: 'DIRECT_QUOTE',
      speaker: 'hogan-gidley',
      speakerLabel: 'White House spokesman Hogan Gidley',
      channel: 'statement',
      saidAt: '2018-08-08', // the White House's Wednesday statement (the text gives no separate date)
      event: 'letter-of-introduction',
      mentions: ['donald-trump', 'rand-paul', 'vladimir-putin'],
    },
  ],
};

export default article;
