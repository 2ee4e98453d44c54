// The live page's script (GET /live, src/plugins/live-page.ts), bundled for the browser by
// scripts/build.mjs into dist/web/live.js. It imports nothing of the service: only the GraphQL API.
//
// New statements arrive through the statementAdded subscription over SSE (graphql-sse's client in
// distinct connections mode, which is what yoga speaks). Each event carries a cursor, and the
// stream's response says where it began (the x-newsgraph-live-cursor header); after a dropped
// connection the page subscribes again with `after: <last cursor>`, or the start one when no event
// came yet, and the server replays exactly the statements stored since, so the list has no gap and
// no duplicate. Every text is put into the page with textContent: statement text is news copy,
// never markup.
import { type Client, createClient } from 'graphql-sse';

interface Person {
  id: string;
  name: string;
}

interface LiveStatement {
  id: string;
  kind: string;
  text: string;
  saidAt: string;
  speakerLabel: string | null;
  speaker: Person | null;
  article: { headline: string };
}

interface StatementAdded {
  statementAdded: { cursor: string; statement: LiveStatement };
}

const SUBSCRIPTION = /* GraphQL */ `
  subscription LivePage($filter: StatementAddedFilter, $after: String) {
    statementAdded(filter: $filter, after: $after) {
      cursor
      statement { id kind text saidAt speakerLabel speaker { id name } article { headline } }
    }
  }
`;

const PEOPLE = /* GraphQL */ `
  query LivePagePeople($search: String) {
    people(first: 50, filter: { search: $search }) { edges { node { id name } } }
  }
`;

const PERSON = /* GraphQL */ `
  query LivePagePerson($id: ID!) {
    node(id: $id) { ... on Person { id name } }
  }
`;

/** Where a stream from now on begins (src/live/sse.ts; the page imports nothing of the service). */
const START_CURSOR_HEADER = 'x-newsgraph-live-cursor';

/** How long to wait before the n-th reconnection attempt in a row: 0.5 s doubling to 10 s. */
const backoffMs = (attempt: number) => Math.min(500 * 2 ** attempt, 10_000);

const KIND_LABELS: Record<string, string> = {
  DIRECT_QUOTE: 'direct quote',
  PARTIAL_QUOTE: 'partial quote',
  PARAPHRASE: 'paraphrase',
};

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function required<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the live page has no #${id}`);
  return node as T;
}

async function query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.data;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function statementItem(statement: LiveStatement): HTMLLIElement {
  const item = element('li', 'statement');
  item.dataset.statementId = statement.id;
  const meta = element('div', 'meta');
  meta.append(
    element('span', 'speaker', statement.speaker?.name ?? statement.speakerLabel ?? 'unnamed source'),
    element('span', `kind kind-${statement.kind.toLowerCase()}`, KIND_LABELS[statement.kind] ?? statement.kind),
  );
  const time = element('time', 'time', timeFormat.format(new Date(statement.saidAt)));
  time.dateTime = statement.saidAt;
  meta.append(time);
  item.append(meta, element('blockquote', 'text', statement.text), element('div', 'headline', statement.article.headline));
  return item;
}

type Status = 'connecting' | 'live' | 'reconnecting' | 'offline';

class LiveFeed {
  private readonly list = required<HTMLUListElement>('statements');
  private readonly status = required<HTMLElement>('status');
  private readonly notice = required<HTMLElement>('notice');
  /** The cursor of the last event shown (or where the stream began): where a new subscription resumes. */
  private cursor: string | null = null;
  private speakerId: string | null = null;
  /** Bumped for every subscription, so a late callback of an older one changes nothing. */
  private generation = 0;
  private dispose: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor() {
    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => {
      this.stop();
      this.setStatus('offline');
    });
  }

  /** Starts over for a person (or everyone): an empty list, from now on. */
  follow(speakerId: string | null) {
    this.speakerId = speakerId;
    this.cursor = null;
    this.list.replaceChildren();
    this.notice.hidden = true;
    this.failures = 0;
    this.subscribe();
  }

  private subscribe() {
    this.stop();
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.setStatus(this.cursor ? 'reconnecting' : 'connecting');
    const variables = { filter: this.speakerId ? { speakerId: this.speakerId } : null, after: this.cursor };
    // A client per subscription, so its response's start cursor is known to be this one's.
    // Reconnection is ours, not the client's: it would retry the same variables, with the
    // cursor of the first subscription instead of the last event's.
    const client: Client = createClient({
      url: new URL('/graphql', location.href).toString(),
      retryAttempts: 0,
      fetchFn: async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await fetch(input, init);
        const start = response.ok ? response.headers.get(START_CURSOR_HEADER) : null;
        // Before any event of this stream: nothing shown is after it.
        if (start && current() && this.cursor === null) this.cursor = start;
        return response;
      },
    });
    this.dispose = client.subscribe<StatementAdded>(
      { query: SUBSCRIPTION, variables },
      {
        next: (result) => {
          if (!current()) return;
          const event = result.data?.statementAdded;
          if (event) {
            this.cursor = event.cursor;
            this.list.prepend(statementItem(event.statement));
            this.list.dataset.count = String(this.list.children.length);
            return;
          }
          const error = result.errors?.[0];
          if (error?.extensions?.code === 'CURSOR_EXPIRED') {
            // Away for longer than the log keeps: continue from now, and say so.
            this.cursor = null;
            this.showNotice('The connection was away too long: statements stored meanwhile are not shown here.');
            this.subscribe();
          } else if (error) {
            this.showNotice(error.message);
          }
        },
        error: () => {
          if (current()) this.retryLater();
        },
        // The server ended the stream (an instance shutting down): resume elsewhere.
        complete: () => {
          if (current()) this.retryLater();
        },
      },
      {
        connected: () => {
          if (!current()) return;
          this.failures = 0;
          this.setStatus('live');
        },
      },
    );
  }

  private stop() {
    clearTimeout(this.retryTimer);
    this.generation++;
    const dispose = this.dispose;
    this.dispose = null;
    dispose?.();
  }

  private retryLater() {
    this.stop();
    if (!navigator.onLine) return this.setStatus('offline');
    this.setStatus('reconnecting');
    this.retryTimer = setTimeout(() => this.subscribe(), backoffMs(this.failures++));
  }

  private reconnectNow() {
    this.failures = 0;
    this.subscribe();
  }

  private setStatus(status: Status) {
    this.status.dataset.status = status;
    this.status.textContent = status;
  }

  private showNotice(text: string) {
    this.notice.textContent = text;
    this.notice.hidden = false;
  }
}

/** The person filter: a search box narrowing a list of people; the choice is kept in ?speaker=. */
async function setUpFilter(onChange: (speakerId: string | null) => void) {
  const select = required<HTMLSelectElement>('speaker');
  const search = required<HTMLInputElement>('person-search');
  const chosen = new URL(location.href).searchParams.get('speaker');

  const fill = (people: Person[]) => {
    const keep = select.value;
    const options = [new Option('Everyone', '')];
    for (const person of people) options.push(new Option(person.name, person.id));
    // The person followed stays choosable even when the search does not find them.
    if (keep && !people.some((person) => person.id === keep)) {
      const current = [...select.options].find((option) => option.value === keep);
      if (current) options.push(new Option(current.text, keep));
    }
    select.replaceChildren(...options);
    select.value = keep;
  };
  const load = async (text: string) => {
    const data = await query<{ people: { edges: { node: Person }[] } }>(PEOPLE, { search: text || null });
    fill(data.people.edges.map((edge) => edge.node));
  };

  if (chosen) {
    const data = await query<{ node: Person | null }>(PERSON, { id: chosen }).catch(() => ({ node: null }));
    if (data.node?.id) {
      select.replaceChildren(new Option('Everyone', ''), new Option(data.node.name, data.node.id));
      select.value = data.node.id;
    }
  }
  await load('');

  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => void load(search.value.trim()), 250);
  });
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    if (select.value) url.searchParams.set('speaker', select.value);
    else url.searchParams.delete('speaker');
    history.replaceState(null, '', url);
    onChange(select.value || null);
  });
  return select.value || null;
}

const feed = new LiveFeed();
setUpFilter((speakerId) => feed.follow(speakerId)).then(
  (speakerId) => feed.follow(speakerId),
  (error: unknown) => {
    // Without the people list the feed still works, for everyone.
    const notice = required<HTMLElement>('notice');
    notice.textContent = `The people list could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    notice.hidden = false;
    feed.follow(null);
  },
);
