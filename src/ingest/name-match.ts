// Pure comparisons of personal names, for resolving people across articles: which stored person
// a name found in a new article can be. No database, no extractor.

const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);
const PARTICLES = new Set(['de', 'da', 'di', 'del', 'van', 'von', 'der', 'den', 'la', 'le', 'al', 'bin', 'ibn', 'st']);
const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'sen',
  'senator',
  'rep',
  'representative',
  'gov',
  'governor',
  'president',
  'pres',
  'secretary',
  'sec',
  'gen',
  'general',
  'judge',
  'justice',
  'mayor',
  'prof',
  'professor',
  'rev',
  'sir',
  'dame',
  'lord',
  'vice',
  'former',
  'speaker',
  'leader',
  'chairman',
  'candidate',
  'nominee',
  'lt',
  'col',
  'sgt',
  'adm',
  'capt',
]);

/** Given names that are one name in two forms (both directions are checked). */
const NICKNAMES: Record<string, string[]> = {
  william: ['bill', 'billy', 'will', 'willie'],
  robert: ['bob', 'bobby', 'rob'],
  richard: ['dick', 'rick', 'rich'],
  edward: ['ed', 'ted', 'eddie'],
  theodore: ['ted', 'teddy'],
  james: ['jim', 'jimmy', 'jamie'],
  john: ['jack', 'johnny'],
  joseph: ['joe', 'joey'],
  thomas: ['tom', 'tommy'],
  michael: ['mike', 'mick'],
  charles: ['chuck', 'charlie'],
  elizabeth: ['liz', 'beth', 'betsy', 'lizzie'],
  margaret: ['peggy', 'maggie', 'meg'],
  katherine: ['kate', 'katie', 'kathy'],
  catherine: ['kate', 'cathy'],
  christopher: ['chris'],
  daniel: ['dan', 'danny'],
  david: ['dave'],
  donald: ['don', 'donnie'],
  gerald: ['jerry'],
  lawrence: ['larry'],
  anthony: ['tony'],
  rafael: ['ted'],
  hillary: ['hill'],
  benjamin: ['ben'],
  bernard: ['bernie'],
  nicholas: ['nick'],
  patrick: ['pat'],
  ronald: ['ron'],
  samuel: ['sam'],
  stephen: ['steve'],
  steven: ['steve'],
  andrew: ['andy', 'drew'],
  alexander: ['alex'],
  kenneth: ['ken'],
  frederick: ['fred'],
  jeffrey: ['jeff'],
  jeb: ['john'],
};
const nicknameOf = new Map<string, Set<string>>();
for (const [full, short] of Object.entries(NICKNAMES)) {
  for (const name of [full, ...short]) {
    const forms = nicknameOf.get(name) ?? new Set<string>();
    for (const other of [full, ...short]) if (other !== name) forms.add(other);
    nicknameOf.set(name, forms);
  }
}

export interface NameParts {
  /** Given names in order, lowercased, without initials ("Timothy M. Kaine" -> ["timothy"]). */
  given: string[];
  /** Initials among the given names ("m" for "M."). */
  initials: string[];
  /** The family name, lowercased, particles kept ("van buren"). */
  surname: string;
  /** "jr", "sr", "ii"... or null. */
  suffix: string | null;
  /** How many words the name had (titles and suffix not counted). */
  words: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*\.?/gu;
const bare = (word: string) =>
  word
    .replace(/\.$/, '')
    .replace(/['’]s$/u, '')
    .toLowerCase();

/** A personal name's parts; null when nothing name-like is left (e.g. only a title). */
export function nameParts(name: string): NameParts | null {
  const words = [...name.matchAll(WORD)].map((m) => m[0]);
  while (words.length > 1 && TITLES.has(bare(words[0]!))) words.shift();
  let suffix: string | null = null;
  if (words.length > 1 && SUFFIXES.has(bare(words.at(-1)!))) suffix = bare(words.pop()!);
  if (words.length === 0) return null;
  // The family name: the last word, with any particles before it ("Martin Van Buren").
  let first = words.length - 1;
  while (first > 1 && PARTICLES.has(bare(words[first - 1]!))) first--;
  const surname = words.slice(first).map(bare).join(' ');
  const given: string[] = [];
  const initials: string[] = [];
  for (const word of words.slice(0, first)) {
    const b = bare(word);
    if (b.length === 1) initials.push(b);
    else given.push(b);
  }
  return { given, initials, surname, suffix, words: words.length };
}

/** The key people who may be one person share: family name and suffix ("trump", "trump jr"). */
export function surnameKey(name: string): string | null {
  const parts = nameParts(name);
  return parts ? (parts.suffix ? `${parts.surname} ${parts.suffix}` : parts.surname) : null;
}

/** Whether two given names can be one person's: equal, a nickname, or one a prefix of the other ("Tim", "Timothy"). */
export function givenNamesCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  if (nicknameOf.get(a)?.has(b)) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short);
}

/**
 * Whether two full names can name one person: the same family name and suffix, and first given
 * names that agree (or an initial that fits). "Hillary Rodham Clinton" = "Hillary Clinton",
 * "Timothy M. Kaine" = "Tim Kaine", "Donald J. Trump" = "Donald Trump"; but not "Bill Clinton" =
 * "Hillary Clinton", nor "Donald Trump" = "Donald Trump Jr.". A name with no given name (a bare
 * surname) is compatible with every full name of that surname: salience decides among them.
 */
export function sameNameForms(a: string, b: string): boolean {
  const x = nameParts(a);
  const y = nameParts(b);
  if (!x || !y) return false;
  if (x.suffix !== y.suffix) return false;
  // "Hillary Rodham Clinton" vs "Hillary Clinton": the other's surname may be a middle name here.
  if (x.surname !== y.surname) return false;
  const gx = x.given[0];
  const gy = y.given[0];
  // A word before the given name ("Crooked Hillary Clinton") or a middle name used alone: the
  // shorter name's given name among the longer's.
  if (gx && gy) return givenNamesCompatible(gx, gy) || x.given.slice(1).includes(gy) || y.given.slice(1).includes(gx);
  if (gx && !gy && y.initials[0]) return gx[0] === y.initials[0];
  if (gy && !gx && x.initials[0]) return gy[0] === x.initials[0];
  if (!gx && !gy && x.initials[0] && y.initials[0]) return x.initials[0] === y.initials[0];
  return true;
}

/** A full name: a given name (or initial) and a family name. */
export function isFullName(name: string): boolean {
  const parts = nameParts(name);
  return parts != null && parts.words >= 2 && (parts.given.length > 0 || parts.initials.length > 0);
}

/** Of several full names for one person, the one to keep as canonical: the longest usual form. */
export function preferredName(names: string[]): string {
  // Ties go to the formal given name ("James Comey" over "Jim Comey").
  const givenLength = (name: string) => nameParts(name)?.given[0]?.length ?? 0;
  const words = (name: string) => nameParts(name)?.words ?? 0;
  return [...names].sort((a, b) => score(b) - score(a) || words(a) - words(b) || givenLength(b) - givenLength(a) || a.localeCompare(b))[0]!;
  function score(name: string): number {
    const parts = nameParts(name);
    if (!parts) return 0;
    // A given name beats an initial; two or three words beat one or four.
    return (parts.given.length > 0 ? 10 : 0) + (parts.words === 2 || parts.words === 3 ? 5 : 0) + (parts.initials.length === 0 ? 1 : 0);
  }
}
