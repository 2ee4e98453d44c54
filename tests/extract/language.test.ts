import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
import { detectLanguage } from '../../src/extract/language.js';

// Short news paragraphs written for these tests, one or two per language.
const SAMPLES: [string, string][] = [
  [
    'de',
    'Der Bürgermeister hat am Montag angekündigt, dass die neue Brücke im nächsten Jahr gebaut wird. Die Opposition kritisierte den Plan und sagte, er sei zu teuer für die Stadt.',
  ],
  ['de', '„Wir werden nicht aufgeben“, sagte die Ministerin nach der Sitzung des Kabinetts. Es ist noch nicht klar, wann das Gesetz in Kraft tritt.'],
  [
    'fr',
    "Le maire a annoncé lundi que le nouveau pont sera construit l'année prochaine. L'opposition a critiqué le projet, qu'elle juge trop coûteux pour la ville.",
  ],
  ['fr', '« Nous ne lâcherons rien », a déclaré la ministre à la sortie du conseil des ministres. Il reste à savoir quand la loi entrera en vigueur.'],
  [
    'es',
    'El alcalde anunció el lunes que el nuevo puente se construirá el próximo año. La oposición criticó el plan y dijo que es demasiado caro para la ciudad.',
  ],
  ['es', '"No vamos a rendirnos", dijo la ministra tras la reunión del gabinete. Todavía no está claro cuándo entrará en vigor la ley.'],
  [
    'it',
    "Il sindaco ha annunciato lunedì che il nuovo ponte sarà costruito l'anno prossimo. L'opposizione ha criticato il piano, che secondo lei è troppo costoso per la città.",
  ],
  [
    'pt',
    'O prefeito anunciou na segunda-feira que a nova ponte será construída no próximo ano. A oposição criticou o plano e disse que é caro demais para a cidade.',
  ],
  [
    'nl',
    'De burgemeester heeft maandag aangekondigd dat de nieuwe brug volgend jaar wordt gebouwd. De oppositie bekritiseerde het plan en zei dat het te duur is voor de stad.',
  ],
  ['sv', 'Borgmästaren meddelade på måndagen att den nya bron ska byggas nästa år. Oppositionen kritiserade planen och sa att den är för dyr för staden.'],
  [
    'da',
    'Borgmesteren meddelte mandag, at den nye bro skal bygges næste år. Oppositionen kritiserede planen og sagde, at den er for dyr for byen, og at man ikke havde hørt borgerne.',
  ],
  [
    'no',
    'Ordføreren kunngjorde mandag at den nye brua skal bygges neste år. Opposisjonen kritiserte planen og sa at den er for dyr for byen, og at man ikke hadde hørt på innbyggerne.',
  ],
  [
    'pl',
    'Burmistrz ogłosił w poniedziałek, że nowy most zostanie zbudowany w przyszłym roku. Opozycja skrytykowała plan i stwierdziła, że jest on zbyt drogi dla miasta.',
  ],
  ['cs', 'Starosta v pondělí oznámil, že nový most bude postaven příští rok. Opozice plán kritizovala a uvedla, že je pro město příliš drahý.'],
  [
    'tr',
    'Belediye başkanı pazartesi günü yeni köprünün gelecek yıl inşa edileceğini açıkladı. Muhalefet planı eleştirdi ve bunun şehir için çok pahalı olduğunu söyledi.',
  ],
  ['ro', 'Primarul a anunțat luni că noul pod va fi construit anul viitor. Opoziția a criticat planul și a spus că este prea scump pentru oraș.'],
  [
    'fi',
    'Pormestari ilmoitti maanantaina, että uusi silta rakennetaan ensi vuonna. Oppositio arvosteli suunnitelmaa ja sanoi, että se on liian kallis kaupungille, mutta hän ei ole vielä vastannut.',
  ],
  ['hu', 'A polgármester hétfőn bejelentette, hogy az új hidat jövőre építik meg. Az ellenzék bírálta a tervet, és azt mondta, hogy az túl drága a városnak.'],
  [
    'id',
    'Wali kota mengumumkan pada hari Senin bahwa jembatan baru akan dibangun tahun depan. Pihak oposisi mengkritik rencana itu dan mengatakan bahwa biayanya terlalu mahal untuk kota.',
  ],
  [
    'vi',
    'Thị trưởng thông báo hôm thứ Hai rằng cây cầu mới sẽ được xây dựng vào năm tới. Phe đối lập chỉ trích kế hoạch này và nói rằng nó quá tốn kém cho thành phố.',
  ],
  [
    'ru',
    'Мэр города в понедельник объявил, что новый мост будет построен в следующем году. Оппозиция раскритиковала план, заявив, что он слишком дорог для города.',
  ],
  [
    'uk',
    'Мер міста в понеділок оголосив, що новий міст буде збудовано наступного року. Опозиція розкритикувала план, заявивши, що він занадто дорогий для міста.',
  ],
  ['zh', '市长周一宣布，新桥将于明年建成。反对派批评了这项计划，称其对城市来说过于昂贵。'],
  ['ja', '市長は月曜日、新しい橋が来年建設されると発表した。野党はこの計画を批判し、市にとって費用がかかりすぎると述べた。'],
  ['ko', '시장은 월요일 새 다리가 내년에 건설될 것이라고 발표했다. 야당은 이 계획이 시에 너무 비싸다며 비판했다.'],
  ['ar', 'أعلن رئيس البلدية يوم الاثنين أن الجسر الجديد سيتم بناؤه العام المقبل. وانتقدت المعارضة الخطة وقالت إنها مكلفة للغاية بالنسبة للمدينة.'],
  ['fa', 'شهردار روز دوشنبه اعلام کرد که پل جدید سال آینده ساخته می‌شود. مخالفان این برنامه را نقد کردند و گفتند که برای شهر بسیار گران است.'],
  ['el', 'Ο δήμαρχος ανακοίνωσε τη Δευτέρα ότι η νέα γέφυρα θα κατασκευαστεί τον επόμενο χρόνο. Η αντιπολίτευση επέκρινε το σχέδιο.'],
  ['he', 'ראש העירייה הודיע ביום שני כי הגשר החדש ייבנה בשנה הבאה. האופוזיציה מתחה ביקורת על התוכנית.'],
];

// English that must stay English: short texts, headlines, and English full of foreign names.
const ENGLISH: string[] = [
  'Mayor backs bridge plan',
  'Council Approves Budget After Long Debate',
  'Priya Natarajan wins seat',
  'Ursula von der Leyen meets Jean-Luc Mélenchon in Brussels',
  '"We will win," said Jane Roe.',
  'Nguyen Xuan Phuc and Lee Jae-myung spoke with José Luis Rodríguez Zapatero and Angela Merkel at the summit in São Paulo.',
  'The mayor, Elena Vargas, said the council would vote on the bridge plan next week. "It is time," she said.',
  'Marine Le Pen told reporters in Paris that her party would not back the bill, according to Le Monde and Der Spiegel.',
  'Hans-Dietrich Genscher, Wolfgang Schäuble and Frank-Walter Steinmeier attended the ceremony at the Bundestag, where the chancellor spoke.',
  'The sign outside the café read "Wir schaffen das", a phrase the chancellor made famous; the crowd laughed.',
  'Xi Jinping (习近平) arrived in Washington on Tuesday for talks with the president.',
  'Søren Kierkegaard, Łukasz Piszczek and Ilkay Gündoğan are names, not sentences.',
  'Police said a man was arrested.',
];

describe('detectLanguage', () => {
  it.each(SAMPLES)('reads %s', (language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it.each(ENGLISH)('keeps English English: %s', (text) => {
    expect(detectLanguage(text)).toBe('en');
  });

  it('calls text with no letters at all English (nothing to warn about)', () => {
    expect(detectLanguage('2026 — 14:30, +1 (555) 010-2030')).toBe('en');
  });

  it('decides on the beginning of a long article, the same every time', () => {
    const german = SAMPLES[0]![1];
    const long = `${german} `.repeat(200);
    expect(detectLanguage(long)).toBe('de');
    expect(detectLanguage(long)).toBe(detectLanguage(long));
  });
});

describe('extract() on text that is not English', () => {
  it('returns no statements and says why', () => {
    const result = extract({ body: '„Wir werden nicht aufgeben“, sagte Angela Merkel am Montag in Berlin. Die Opposition kritisierte den Plan.' });
    expect(result.language).toBe('de');
    expect(result.warnings).toEqual(['language de is not supported; no statements extracted']);
    expect(result.statements).toEqual([]);
    expect(result.people).toEqual([]);
    expect(result.events).toEqual([]);
  });

  it('reads English as before, with no warning', () => {
    const result = extract({ body: '"We will win," said Jane Roe, the mayor of Springfield.' });
    expect(result.language).toBe('en');
    expect(result.warnings).toEqual([]);
    expect(result.statements).toHaveLength(1);
    expect(result.statements[0]).toMatchObject({ kind: 'DIRECT_QUOTE', speakerName: 'Jane Roe' });
  });
});
