// Word lists the rules rely on. Hand-written lists cover the news-specific vocabulary (reporting
// verbs, titles, roles); compromise's built-in lexicon supplies the long tail (first names, places,
// organisation words) so we do not have to ship our own name lists. We only read its dictionary,
// never run its tagger, which keeps extraction well under a few milliseconds per article.
import nlp from 'compromise/two';

type LexiconTags = string | string[];
interface CompromiseModel {
  one: { lexicon: Record<string, LexiconTags> };
  two: { orgWords: Record<string, boolean>; placeWords: Record<string, boolean> };
}

const model = nlp.model() as unknown as CompromiseModel;

function tagsOf(word: string): string[] {
  const tags = model.one.lexicon[word.toLowerCase()];
  if (tags === undefined) return [];
  return Array.isArray(tags) ? tags : [tags];
}

export type Gender = 'male' | 'female' | null;

/** Gender suggested by a first name, or null when the name is unknown or unisex. */
export function firstNameGender(word: string): Gender {
  const tags = tagsOf(word);
  if (tags.includes('MaleName')) return 'male';
  if (tags.includes('FemaleName')) return 'female';
  return null;
}

export function isFirstName(word: string): boolean {
  const tags = tagsOf(word);
  return tags.includes('MaleName') || tags.includes('FemaleName') || tags.includes('FirstName');
}

export function isLastName(word: string): boolean {
  const tags = tagsOf(word);
  return tags.includes('LastName') || tags.includes('Person');
}

const PLACE_TAGS = ['City', 'Country', 'Region', 'Place', 'Demonym', 'Month', 'WeekDay', 'Organization', 'SportsTeam'];

/** True for words that make a capitalised sequence a place, organisation or date rather than a person. */
export function isNonPersonWord(word: string): boolean {
  const lower = word.toLowerCase();
  if (NON_PERSON_WORDS.has(lower)) return true;
  if (model.two.orgWords[lower] === true || model.two.placeWords[lower] === true) return true;
  const tags = tagsOf(word);
  if (tags.some((tag) => PLACE_TAGS.includes(tag))) {
    // Some first names double as places ("Regina"); trust the name reading when it is there.
    return !isFirstName(word);
  }
  return false;
}

/** Cities, countries and regions known to the lexicon ("Moscow", "Ohio"). */
export function isPlaceName(word: string): boolean {
  return tagsOf(word).some((tag) => ['City', 'Country', 'Region', 'Place'].includes(tag));
}

/** All-capital words of two or more letters are acronyms ("RIA", "CNN"), not first names. */
export function isAcronym(word: string): boolean {
  return word.length >= 2 && /^[\p{Lu}\p{N}]+$/u.test(word);
}

/** A word the lexicon knows only as a plain noun ("bill", "beau"), not a role, adjective or verb: it may be a given name. */
export function isPlainNoun(word: string): boolean {
  const tags = tagsOf(word);
  return tags.length > 0 && tags.every((tag) => ['Noun', 'Singular', 'Uncountable'].includes(tag));
}

/** Common words that open a sentence capitalised but never begin a name ("But", "The", "After"). */
export function isFunctionWord(word: string): boolean {
  const lower = word.toLowerCase();
  if (SENTENCE_OPENERS.has(lower)) return true;
  const tags = tagsOf(word);
  if (tags.length === 0) return false;
  if (tags.some((tag) => ['MaleName', 'FemaleName', 'FirstName', 'LastName', 'Person'].includes(tag))) return false;
  return tags.some((tag) => ['Determiner', 'Conjunction', 'Preposition', 'Pronoun', 'Adverb', 'QuestionWord', 'Copula', 'Modal', 'Possessive'].includes(tag));
}

/** Any ordinary English word (verb, noun, adjective ...) according to the lexicon. */
export function isCommonWord(word: string): boolean {
  const tags = tagsOf(word);
  return tags.length > 0 && !tags.some((tag) => ['MaleName', 'FemaleName', 'FirstName', 'LastName', 'Person'].includes(tag));
}

const SENTENCE_OPENERS = new Set(
  'a an the but and or so yet still then now also if as when while after before since because though although however meanwhile later earlier instead indeed last this that these those there here in on at by for from with without during under over about into of to its his her their our my your we they he she it i you one some many most several both all each every no not asked speaking according despite unlike like among amid even only just perhaps maybe thus hence furthermore moreover separately overall finally first second third next today yesterday tomorrow tonight mr'
    .split(' ')
    .filter((word) => word !== 'mr'),
);

const NON_PERSON_WORDS = new Set(
  'house senate congress party parties committee campaign team stop growth department news times post journal press network times tribune herald review magazine television tv radio university college school institute foundation center centre council court administration agency bureau office ministry government republicans democrats republican democratic democrat gop state states city county street avenue square hall company corporation inc llc corp group association union coalition fund bank federal national international america american americans united kingdom republic daily weekly monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december twitter facebook instagram youtube google cnn fox msnbc nbc abc cbs pbs npr reuters politico breitbart ap afp bbc isis islamic god christ christian muslim muslims jewish catholic nobody somebody everybody anybody someone everyone anyone'.split(
    ' ',
  ),
);

/** Reporting verbs, in every inflection we want to catch. Lowercase, single words. */
export const SPEECH_VERBS = new Set(
  (
    'say says said saying tell tells told telling tweet tweets tweeted tweeting write writes wrote writing written ' +
    'add adds added continue continues continued explain explains explained notes noted stated ' +
    'argue argues argued arguing ask asks asked claim claims claimed claiming insist insists insisted declare declares declared ' +
    'announce announces announced warn warns warned warning recall recalls recalled reply replies replied respond responds responded ' +
    'remark remarks remarked acknowledge acknowledges acknowledged admit admits admitted suggest suggests suggested suggesting ' +
    'contend contends contended concede concedes conceded observe observes observed emphasize emphasizes emphasized stress stresses stressed ' +
    'complain complains complained predict predicts predicted joke jokes joked quip quips quipped urge urges urged ' +
    'read reads posted testify testifies testified countered charged ' +
    'allege alleges alleged maintain maintains maintained assert asserts asserted report reports reported ' +
    'caution cautions cautioned vow vows vowed promised boast boasts boasted lament laments lamented ' +
    'muse muses mused conclude concludes concluded yell yells yelled shout shouts shouted chant chants chanted sings sang ' +
    'wonder wonders wondered estimated explain explains described describe describes called ' +
    'branded labeled labelled dubbed deemed blasted slammed criticized praised accused announce confirm confirms confirmed ' +
    'deny denies denied reiterate reiterates reiterated pledge pledges pledged demanded recount recounts recounted ' +
    'believe believes believed think thinks thought hopes hoped feels felt knows knew worries worried ' +
    'asking adding noting explaining insisting declaring stressing calling describing accusing complaining acknowledging admitting recalling urging vowing promising predicting questioning joking boasting lamenting warning emphasizing responding replying writing posting ' +
    'found showed reveal reveals revealed indicate indicates indicated conclude concluded ' +
    'assure assures assured stating mock mocks mocked decry decries decried repeat repeats repeated remind reminds reminded ' +
    'slams praises retort retorts retorted scoff scoffs scoffed snapped exclaimed gushed whispered marveled marvelled'
  ).split(' '),
);

/** Verbs that only report opinions or findings: good for paraphrase, too weak to introduce a quotation. */
export const OPINION_VERBS = new Set(
  'believe believes believed think thinks thought hope hopes hoped feel feels felt know knows knew worry worries worried find finds found show shows showed indicate indicates indicated'.split(
    ' ',
  ),
);

/** Verbs that may introduce a quoted name or label ("called it a "disaster"") rather than speech. */
export const LABELLING_VERBS = new Set('call calls called branded labeled labelled dubbed deemed describe describes described'.split(' '));

/** Verbs that take the addressee as object: "told CNN that ..." — the object is not the speaker. */
export const ADDRESSEE_VERBS = new Set('tell tells told telling ask asks asked urge urges urged warn warns warned remind reminded'.split(' '));

/** Words that may stand between a subject and its reporting verb ("Paul also said", "he has said"). */
export const AUXILIARIES = new Set(
  'also later then has had have would will could should may might did does do again once previously recently repeatedly often frequently publicly privately separately further earlier first last reportedly simply just only still never already even has since quickly immediately angrily bluntly flatly told'
    .split(' ')
    .filter((word) => word !== 'told'),
);

/** Titles and honorifics that precede a name. Lowercase, without a trailing period. */
export const TITLES = new Set(
  (
    'president vice senator sen sens gov governor rep reps representative congressman congresswoman mr mrs ms miss dr rev ' +
    'gen general lt col maj capt sgt adm admiral secretary director chairman chairwoman chair speaker mayor judge justice ' +
    'minister chancellor king queen pope prince princess sheriff commissioner ambassador professor prof leader chief deputy ' +
    'sir dame pastor bishop father rabbi imam attorney spokesman spokeswoman spokesperson candidate nominee lady ' +
    'ceo chancellor premier councilman councilwoman delegate trustee superintendent treasurer comptroller officer detective'
  ).split(' '),
);

/** Role nouns that describe a person ("press secretary", "surrogate"); used for descriptions and descriptors. */
export const ROLE_NOUNS = new Set(
  (
    'president senator governor representative congressman congresswoman secretary director chairman chairwoman chair speaker mayor ' +
    'judge justice minister chancellor ambassador professor leader chief spokesman spokeswoman spokesperson candidate nominee ' +
    'aide adviser advisor strategist consultant surrogate manager official officer analyst economist expert scientist lawyer attorney ' +
    'editor reporter columnist anchor host author writer pollster founder executive ceo chairman member lawmaker legislator ' +
    'politician activist organizer organiser voter supporter critic resident owner worker teacher student pastor priest ' +
    'general commander soldier veteran agent investigator prosecutor sheriff chief commissioner donor fundraiser adviser ' +
    'historian researcher professor fellow president-elect mate running-mate campaigner operative staffer secretary-general ' +
    'king queen prince princess emperor premier officer detective correspondent producer commentator pundit scholar ' +
    'daughter son wife husband mother father brother sister friend partner colleague'
  ).split(' '),
);

/** Nouns naming documents whose "it read" / "it said" should go to the document's author. */
export const DOCUMENT_NOUNS = new Set('letter memo memorandum statement tweet post email e-mail note report message op-ed column essay release'.split(' '));

export const MALE_PRONOUNS = new Set(['he', 'him', 'his', 'himself']);
export const FEMALE_PRONOUNS = new Set(['she', 'her', 'hers', 'herself']);

/** Abbreviations whose period does not end a sentence. */
export const ABBREVIATIONS = new Set(
  'mr mrs ms dr rev sen sens gov rep reps gen lt col maj capt sgt adm st jr sr prof no vs etc inc corp co u.s u.k u.n d.c a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec ft mt'.split(
    ' ',
  ),
);

/** Honorifics that fix a person's gender. */
export function honorificGender(word: string): Gender {
  const lower = word.toLowerCase().replace(/\.$/, '');
  if (['mr', 'king', 'prince', 'sir', 'father', 'congressman', 'spokesman', 'chairman', 'councilman'].includes(lower)) return 'male';
  if (['mrs', 'ms', 'miss', 'queen', 'princess', 'dame', 'lady', 'congresswoman', 'spokeswoman', 'chairwoman', 'councilwoman'].includes(lower)) return 'female';
  return null;
}

const VERB_TAGS = ['PastTense', 'PresentTense', 'Infinitive', 'Gerund', 'Participle', 'Verb', 'Imperative', 'PerfectTense', 'Pluperfect'];
const NOUN_OR_MODIFIER_TAGS = ['Singular', 'Plural', 'Noun', 'Adjective', 'Determiner', 'Possessive', 'Value', 'Cardinal', 'Ordinal'];

/**
 * A lowercase word that reads as a verb: tagged only as a verb form in the lexicon, or an unknown
 * word with a verb ending ("likened", "pounding"). Copulas are not counted: "Trump's statement was
 * “true”" keeps its subject.
 */
export function isVerbForm(word: string): boolean {
  const lower = word.toLowerCase();
  if (COPULAS.has(lower)) return false;
  if (SPEECH_VERBS.has(lower) || LABELLING_VERBS.has(lower)) return true;
  const tags = tagsOf(lower);
  if (tags.length === 0) return /(?:ed|ing)$/.test(lower) && lower.length > 4;
  if (tags.some((tag) => NOUN_OR_MODIFIER_TAGS.includes(tag))) return false;
  return tags.some((tag) => VERB_TAGS.includes(tag));
}

export const COPULAS = new Set('is are was were be been being am'.split(' '));

/** Regular inflections of a verb: "liken" → liken, likens, likened, likening. */
function inflect(base: string): string[] {
  const stem = base.endsWith('e') ? base.slice(0, -1) : base;
  const doubled = /[^aeiou][aeiou][bdgmnprt]$/.test(base) && base.length <= 4 ? base + base.slice(-1) : base;
  const third = /(?:s|sh|ch|x|z)$/.test(base) ? `${base}es` : /[^aeiou]y$/.test(base) ? `${base.slice(0, -1)}ies` : `${base}s`;
  const past = base.endsWith('e') ? `${base}d` : /[^aeiou]y$/.test(base) ? `${base.slice(0, -1)}ied` : `${doubled}ed`;
  return [base, third, past, `${base === doubled ? stem : doubled}ing`];
}

/**
 * Verbs of evaluating, labelling and invoking words: a short quotation after one of them is
 * someone's wording ("condemned the test as “provocative”", "hailed the mayor as “the fixer”"),
 * while a scare quote without one is usually the reporter's ("a “philanthropub”").
 */
export const WORDING_VERBS = new Set([
  ...'call describe label dub brand deem characterize condemn denounce decry hail laud praise blast slam criticize accuse liken compare dismiss pound attack mock ridicule deride insult lambaste assail excoriate scold chide exhort urge cite reference invoke proclaim promise vow pledge blame warn charge refer tout lament boast demand admire defend endorse quote repeat echo question reject tweet post write say tell add argue claim insist declare announce predict suggest complain joke'
    .split(' ')
    .flatMap(inflect),
  ...'said told wrote called known referred'.split(' '),
]);

/**
 * Verbs that report a position rather than words ("Trump wants …", "the report cites …",
 * "Clinton proposed …"): cues for a paraphrase of a sentence without quotation marks, never for a
 * quotation. Finite forms only, so that "the plans" or "a proposed rule" are not taken for them.
 */
export const STANCE_VERBS = new Set(
  (
    'wants wanted plans planned proposes proposed cites cited agrees agreed mentions mentioned expects disclosed echoed hinted signaled signalled rejects rejected questioned conceded pointed stressed demands opposes opposed supports supported backs backed ' +
    'recommends recommended endorsed endorses defended defends attacked attacks dismissed dismisses denounced condemned condemns blamed blames credited touted touts highlighted projected projects ruled determined offered refused declined'
  ).split(' '),
);
