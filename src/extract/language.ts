// Which language an article is written in (ISO 639-1), so English-only rules are not run on text
// they cannot read. No model: the script decides for non-Latin text (Han, kana, Hangul, Cyrillic,
// Arabic …), and for Latin text the share of each language's commonest function words decides.
// Only lowercase words are counted, so names ("Le Pen", "van der Leyen", "De la Cruz") never vote,
// and English wins unless another language clearly outscores it: a headline or a short text with
// no function words at all stays English.

/** How much of the body is read: enough for a verdict, bounded for long articles. */
const SAMPLE_CHARS = 1_500;

// The commonest function words of each language (lowercase). A word several languages share
// counts for each of them; the distinctive ones decide.
const STOP_WORDS: Record<string, string> = {
  en: 'the of and to in is that for it on was with he as at by said his be from are have has but not they this which an were who will been their had would she her more after its about also we one there than up out new when all can what over some into last could other you no them so if him our just or do does did says told',
  de: 'der die das und ist nicht ein eine einen einem einer den dem des zu mit von sich auf für im dass es auch als wie bei nach noch aus wird werden wurde hat haben sind war sie er wir ich an zum zur oder aber nur über vor durch so schon sagte kann seine ihre man wenn mehr',
  fr: 'le la les et des est une un du en que qui quand dans pour pas au sur par ne il elle se son sa ses aux plus avec ce cette ont été sont mais comme nous vous ils leur ou a été où entre dont selon fait aussi très déjà être',
  es: 'el la los las de y que en un una por con para es se del al no su sus lo como más pero fue ha han este esta entre sin sobre también ya muy dijo hay desde son está era porque cuando donde todo ser',
  it: 'il di che la e le è un una per non in del della dei delle con si da al alla sono ha gli lo nel nella anche come più ma ed era stato questo questa dopo ha hanno essere tra fra sul sulla perché ancora',
  pt: 'o a os as de que e do da dos das em um uma para com não no na nos nas por se mais foi ao pelo pela como mas é são ser está também já ele ela seu sua entre sobre quando até disse muito há isso',
  nl: 'de het een van en in is dat op te zijn met voor niet die aan er ook als bij door maar om nog naar dan wordt werd heeft hebben was zijn ze hij we wat uit over worden kan zal geen deze dit al',
  sv: 'och att det som en på är av för med till den inte har de om ett var jag vi så men från han hon kan sig vid eller efter när också skulle sina sitt där nu hade blir blev mycket under mot detta',
  da: 'og at det er en til på af som med for ikke den har de der var jeg om et men vi fra han hun kan sig eller efter når også skal blev havde hvad nogle være mod under meget dette kun hvor',
  no: 'og at det er en til på av som med for ikke den har de var jeg om et men vi fra han hun kan seg eller etter når også skal ble hadde hva noen være mot under mye dette bare hvor',
  pl: 'i w na nie z że się do to jest o jak po za od przez dla już co ale tak czy go jego jej są był była było może także oraz który która które tylko przed przy jako bardzo też',
  cs: 'a v na se je že to s z o do ve by jako ale pro za jsou jeho jak které který která jen podle také bylo byl byla již už než od při před když mezi tak aby bude',
  sk: 'a v na sa je že to s z o do vo by ako ale pre za sú jeho jej ktoré ktorý ktorá len podľa tiež bolo bol bola už než od pri pred keď medzi tak aby bude',
  tr: 've bir bu da de yeni için ile ne çok daha olarak gibi ama en o var değil kadar sonra ya ki olan her şey mi büyük yok ise ancak göre ilk aynı diye',
  ro: 'și în de la a cu că pe nu din este o un care pentru mai să se au fost sunt ca al ale lui dar sau fi sa acest această iar după',
  fi: 'ja on ei että se oli hän mutta myös kun ovat tai ole jo joka sen hänen niin kuin mukaan voi nyt vain sitten kanssa olla ovat tämä',
  hu: 'a az és hogy nem is egy de meg van volt csak ez már el mint ki még azt itt lesz vagy kell nagyon után pedig szerint amely majd úgy',
  id: 'yang dan di ini itu bahwa dengan untuk dari dalam tidak akan ke pada juga ada adalah oleh karena saat kata bisa telah sudah mereka kami kita atau lebih',
  hr: 'i je u na da se za su od ne s a o iz koji to kao ali će bi bio bila sam smo što ili kako još nakon prema također',
  ca: 'i el la els les de que en un una per amb no es del al és va més però com ha han aquest aquesta també són seu seva entre sobre',
  vi: 'và của là có được trong cho những với không này người các một đã để khi cũng từ về theo ông bà tại đến sẽ như nhưng',
};

/** Letters that (mostly) belong to a few languages: tie-breakers between close neighbours. */
const MARK_LETTERS: [RegExp, string[]][] = [
  [/ß/, ['de']],
  [/ñ/, ['es']],
  [/[ãõ]/, ['pt']],
  [/[łąęśźżń]/, ['pl']],
  [/[řůě]/, ['cs']],
  [/[ľĺŕô]/, ['sk']],
  [/[ğışı]/, ['tr']],
  [/[őű]/, ['hu']],
  [/[ășțşţ]/, ['ro']],
  [/[æø]/, ['da', 'no']],
  [/[äö]/, ['de', 'sv', 'fi']],
  [/[ơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/, ['vi']],
  [/[èàç]/, ['fr', 'it', 'ca']],
];

const LANGUAGES = Object.keys(STOP_WORDS);
/** word -> the languages (indices into LANGUAGES) whose function word it is */
const WORD_LANGUAGES = new Map<string, number[]>();
LANGUAGES.forEach((language, index) => {
  for (const word of new Set(STOP_WORDS[language]!.split(' '))) WORD_LANGUAGES.set(word, [...(WORD_LANGUAGES.get(word) ?? []), index]);
});
const ENGLISH = LANGUAGES.indexOf('en');

/** The other language must have at least this many function words, and this many times English's. */
const MIN_HITS = 3;
const MIN_RATIO = 1.5;

const SCRIPTS = [
  'latin',
  'cyrillic',
  'greek',
  'arabic',
  'hebrew',
  'devanagari',
  'bengali',
  'tamil',
  'thai',
  'georgian',
  'armenian',
  'hangul',
  'kana',
  'han',
] as const;
type Script = (typeof SCRIPTS)[number];
const SCRIPT_ID = Object.fromEntries(SCRIPTS.map((script, id) => [script, id])) as Record<Script, number>;

function scriptOf(code: number): Script | null {
  if ((code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) || (code >= 0x1e00 && code <= 0x1eff)) return 'latin';
  if (code >= 0x370 && code <= 0x3ff) return 'greek';
  if (code >= 0x400 && code <= 0x52f) return 'cyrillic';
  if (code >= 0x530 && code <= 0x58f) return 'armenian';
  if (code >= 0x590 && code <= 0x5ff) return 'hebrew';
  if ((code >= 0x600 && code <= 0x6ff) || (code >= 0x750 && code <= 0x77f) || (code >= 0xfb50 && code <= 0xfeff)) return 'arabic';
  if (code >= 0x900 && code <= 0x97f) return 'devanagari';
  if (code >= 0x980 && code <= 0x9ff) return 'bengali';
  if (code >= 0xb80 && code <= 0xbff) return 'tamil';
  if (code >= 0xe00 && code <= 0xe7f) return 'thai';
  if (code >= 0x10a0 && code <= 0x10ff) return 'georgian';
  if ((code >= 0x1100 && code <= 0x11ff) || (code >= 0x3130 && code <= 0x318f) || (code >= 0xac00 && code <= 0xd7af)) return 'hangul';
  if (code >= 0x3040 && code <= 0x30ff) return 'kana';
  if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff)) return 'han';
  return null;
}

const LATIN = SCRIPT_ID.latin;
const scriptIdOf = (code: number) => {
  const script = scriptOf(code);
  return script === null ? -1 : SCRIPT_ID[script];
};

const SCRIPT_LANGUAGE: Partial<Record<Script, string>> = {
  greek: 'el',
  armenian: 'hy',
  hebrew: 'he',
  devanagari: 'hi',
  bengali: 'bn',
  tamil: 'ta',
  thai: 'th',
  georgian: 'ka',
  hangul: 'ko',
};

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** Cyrillic languages told apart by the letters only they use; Russian otherwise. */
function cyrillicLanguage(text: string): string {
  const lower = text.toLowerCase();
  const candidates: [string, number][] = [
    ['uk', count(lower, /[іїєґ]/g)],
    ['be', count(lower, /ў/g)],
    ['sr', count(lower, /[ђћџјљњ]/g)],
    ['mk', count(lower, /[ѓќѕ]/g)],
    ['kk', count(lower, /[әғқңөұүһ]/g)],
  ];
  const [best, hits] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (hits >= 3) return best;
  // Bulgarian uses ъ as a vowel and has no ы or э
  if (count(lower, /ъ/g) >= 5 && count(lower, /[ыэ]/g) === 0) return 'bg';
  return 'ru';
}

/** Persian and Urdu write Arabic script with letters Arabic lacks. */
function arabicScriptLanguage(text: string): string {
  const urdu = count(text, /[ٹڈڑںے]/g);
  const persian = count(text, /[پچژگکی]/g);
  if (urdu >= 3 && urdu >= persian / 4) return 'ur';
  if (persian >= 5) return 'fa';
  return 'ar';
}

/** The body's language, ISO 639-1: "en" unless the text clearly is in another one. */
export function detectLanguage(body: string): string {
  const sample = body.length > SAMPLE_CHARS ? body.slice(0, SAMPLE_CHARS) : body;
  // One pass: letters counted by script, and the lowercase words scored (a hand loop: a Unicode
  // word regex over the sample costs several times more, and this runs on every article).
  const counts = new Int32Array(SCRIPTS.length);
  const scores = new Array<number>(LANGUAGES.length).fill(0);
  let wordStart = -1;
  let wordHasCapital = false;
  let wordHasMark = false;
  for (let index = 0; index <= sample.length; index++) {
    const code = index < sample.length ? sample.charCodeAt(index) : 0x20;
    const script = code < 0x80 ? ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a ? LATIN : -1) : scriptIdOf(code);
    const inWord = script >= 0 || (wordStart >= 0 && (code === 0x27 || code === 0x2019 || (code >= 0x300 && code <= 0x36f)));
    if (inWord) {
      if (script >= 0) counts[script]!++;
      if (wordStart < 0) {
        wordStart = index;
        wordHasCapital = false;
        wordHasMark = false;
      }
      if (code < 0x80) wordHasCapital ||= code <= 0x5a && code >= 0x41;
      else {
        wordHasMark = true;
        const char = sample[index]!;
        wordHasCapital ||= char !== char.toLowerCase();
      }
      continue;
    }
    if (wordStart < 0) continue;
    if (!wordHasCapital) scoreWord(sample.slice(wordStart, index), wordHasMark, scores);
    wordStart = -1;
  }
  // A CJK character stands for a syllable or a word, a Latin letter for a sound; Japanese mixes
  // Han with kana, so the two count as one script here.
  const letters = (script: Script) => counts[SCRIPT_ID[script]]!;
  const weight = (script: Script) =>
    script === 'han' || script === 'kana' ? (letters('han') + letters('kana')) * 3 : script === 'hangul' ? letters('hangul') * 3 : letters(script);
  let dominant: Script = 'latin';
  if (counts[LATIN]! < sample.length / 2) for (const script of SCRIPTS) if (weight(script) > weight(dominant)) dominant = script;
  if (dominant === 'han' || dominant === 'kana') return letters('kana') * 20 >= letters('han') + letters('kana') ? 'ja' : 'zh';
  if (dominant === 'cyrillic') return cyrillicLanguage(sample);
  if (dominant === 'arabic') return arabicScriptLanguage(sample);
  if (dominant !== 'latin') return SCRIPT_LANGUAGE[dominant] ?? 'en';
  return latinVerdict(scores);
}

function scoreWord(raw: string, nonAscii: boolean, scores: number[]): void {
  const word = nonAscii ? raw.replace('’', "'").replace(/^'+|'+$/g, '') : raw;
  const languages = WORD_LANGUAGES.get(word);
  if (languages !== undefined) for (const language of languages) scores[language]! += 1;
  if (!nonAscii) return;
  for (const [marks, languages] of MARK_LETTERS) {
    if (marks.test(word)) for (const language of languages) scores[LANGUAGES.indexOf(language)]! += 0.5;
  }
}

function latinVerdict(scores: readonly number[]): string {
  let best = ENGLISH;
  scores.forEach((score, language) => {
    if (language !== ENGLISH && (best === ENGLISH || score > scores[best]!)) best = language;
  });
  const english = scores[ENGLISH]!;
  const other = scores[best]!;
  return other >= MIN_HITS && other > english * MIN_RATIO ? LANGUAGES[best]! : 'en';
}

/** The warning an extraction carries for text in a language the extractor cannot read. */
export function unsupportedLanguageWarning(language: string): string {
  return `language ${language} is not supported; no statements extracted`;
}
