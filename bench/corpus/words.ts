// Vocabulary for the synthetic news corpus: real English words so PostgreSQL's English
// full-text configuration stems and ranks them as it would real articles.

export const FIRST_NAMES = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley
Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie
Ronald Rebecca Edward Sharon Jason Laura Jeffrey Cynthia Ryan Amy Jacob Kathleen Gary Angela Nicholas Shirley Eric Brenda Jonathan
Emma Stephen Anna Larry Pamela Justin Nicole Scott Samantha Brandon Katherine Benjamin Christine Samuel Helen Gregory Debra Alexander
Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Jerry Diane Tyler Julie Aaron Joyce Jose Victoria Adam
Ruth Nathan Virginia Henry Lauren Zachary Kelly Douglas Christina Peter Joan Kyle Evelyn Noah Judith Ethan Andrea Jeremy Hannah
Walter Megan Christian Cheryl Keith Jacqueline Roger Martha Terry Madison Austin Teresa Sean Gloria Gerald Sara Carl Janice Harold
Ann Dylan Kathryn Arthur Abigail Lawrence Sophia Jordan Frances Jesse Jean Bryan Alice Billy Judy Bruce Isabella Gabriel Julia
Joe Grace Logan Amber Alan Denise Juan Danielle Albert Marilyn Willie Beverly Elijah Charlotte Wayne Natalie Randy Theresa Vladimir
Sergei Olga Dmitri Angela Emmanuel Olaf Giorgia Pedro Narendra Xi Fumio Recep Volodymyr Ursula Rishi Keir Justin Jacinda Luiz Javier
Mette Ulf Kaja Annalena Friedrich Marine Jordan Boris Liz Nicola Mohammed Abdel Benjamin Yair Naftali Ali Hassan Imran Shehbaz Cyril`
  .split(/\s+/)
  .filter(Boolean);

export const LAST_NAMES = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen
King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson
Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes
Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes
Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods
Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva
Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice
Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce
Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado
Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Putin Lavrov Peskov Zelensky
Macron Scholz Meloni Modi Erdogan Sunak Starmer Trudeau Albanese Lula Milei Frederiksen Kristersson Kallas Baerbock Merz Orban
Netanyahu Lapid Bennett Khamenei Rouhani Sharif Ramaphosa Ruto Tinubu Kishida Yoon Marcos Widodo Albrecht Novak Kowalski Horvat`
  .split(/\s+/)
  .filter(Boolean);

export const TITLES = [
  'Senator',
  'Representative',
  'Governor',
  'Mayor',
  'Minister',
  'President',
  'Prime Minister',
  'Secretary',
  'Ambassador',
  'General',
  'spokesperson',
  'chief executive',
  'professor',
  'analyst',
  'economist',
  'judge',
];

export const ROLES_DESCRIPTIONS = [
  'Republican senator from Kentucky',
  'Democratic congresswoman',
  'foreign minister',
  'Kremlin spokesman',
  'White House press secretary',
  'chief executive of a regional bank',
  'trade union leader',
  'central bank governor',
  'defense secretary',
  'opposition leader',
  'state governor',
  'city mayor',
  'climate envoy',
  'chief economist',
  'federal judge',
  'health minister',
  'United Nations envoy',
  'party chairman',
  'campaign manager',
  'police chief',
];

export const SOURCES: [string, string][] = [
  ['CNN', 'edition.cnn.com'],
  ['Reuters', 'www.reuters.com'],
  ['Associated Press', 'apnews.com'],
  ['BBC News', 'www.bbc.com'],
  ['The Guardian', 'www.theguardian.com'],
  ['NPR', 'www.npr.org'],
  ['Bloomberg', 'www.bloomberg.com'],
  ['Politico', 'www.politico.com'],
  ['Al Jazeera', 'www.aljazeera.com'],
  ['The New York Times', 'www.nytimes.com'],
  ['The Washington Post', 'www.washingtonpost.com'],
  ['Financial Times', 'www.ft.com'],
  ['Deutsche Welle', 'www.dw.com'],
  ['France 24', 'www.france24.com'],
  ['The Hill', 'thehill.com'],
];

export const CITIES = [
  'Washington',
  'Moscow',
  'Kyiv',
  'Brussels',
  'London',
  'Paris',
  'Berlin',
  'Beijing',
  'Tokyo',
  'New Delhi',
  'Ankara',
  'Geneva',
  'Vienna',
  'New York',
  'Helsinki',
  'Warsaw',
  'Rome',
  'Madrid',
  'Ottawa',
  'Canberra',
  'Brasilia',
  'Pretoria',
  'Nairobi',
  'Seoul',
  'Jakarta',
  'Doha',
  'Riyadh',
  'Jerusalem',
  'Cairo',
  'Mexico City',
  'Louisville',
  'Des Moines',
  'Phoenix',
  'Atlanta',
  'Chicago',
];

export const EVENT_KINDS = [
  'summit',
  'meeting',
  'visit',
  'press conference',
  'hearing',
  'vote',
  'election',
  'protest',
  'trial',
  'negotiation',
  'letter delivery',
  'interview',
  'rally',
  'debate',
  'investigation',
  'ceasefire talks',
  'trade talks',
  'signing ceremony',
];

export const CHANNELS = ['statement', 'tweet', 'interview', 'press conference', 'letter', 'speech', 'television interview', 'radio interview'];

/** Topic nouns, roughly most frequent first (the generator draws them Zipf-distributed). */
export const NOUNS = `government election policy economy deal talks sanctions administration war president border security trade
tariffs inflation budget taxes jobs healthcare climate energy oil gas pipeline markets bank interest rates investors growth recession
court ruling lawsuit investigation indictment evidence testimony witnesses jury verdict appeal congress senate parliament vote bill
legislation amendment reform immigration asylum refugees troops military ceasefire missiles drones weapons aid humanitarian crisis
diplomacy embassy ambassador summit agreement treaty alliance partners allies relations dialogue engagement letter message invitation
campaign voters polls candidates debate rally primary ballot turnout democracy protest demonstrators police violence arrests
pandemic vaccine hospitals doctors patients schools teachers students universities research technology artificial intelligence
privacy data platforms regulation competition antitrust merger shares earnings profits workers unions strike wages housing rent
mortgage prices supply shortages farmers food exports imports manufacturing factories infrastructure bridges roads railways
airports emissions wildfires floods drought hurricane disaster relief insurance pensions retirement welfare poverty inequality
corruption bribery scandal resignation leadership coalition opposition majority minority speaker committee hearing subpoena
intelligence espionage hackers cyberattack election interference disinformation media journalists press freedom censorship
nuclear uranium enrichment inspectors negotiators hostages prisoners exchange deadline ultimatum concessions compromise stalemate`
  .split(/\s+/)
  .filter(Boolean);

export const ADJECTIVES = `new serious unacceptable historic important difficult constructive productive dangerous reckless
irresponsible necessary urgent fair balanced transparent independent strong weak critical essential significant unprecedented
disappointing encouraging positive negative complex honest open frank bipartisan national international economic political military
diplomatic financial legal moral practical realistic ambitious credible effective sustainable`
  .split(/\s+/)
  .filter(Boolean);

export const VERBS = `support oppose reject welcome condemn accept defend protect strengthen undermine delay block approve review
discuss negotiate demand expect reconsider pursue address resolve investigate challenge restore expand reduce increase extend end
continue respect ignore deliver`
  .split(/\s+/)
  .filter(Boolean);

export const GROUPS = `the American people our allies the administration the committee our partners the voters the families the
workers the opposition our government the international community the region the markets the courts the public our neighbours`
  .split(/\n/)
  .flatMap((line) => line.split(/ (?=the |our )/))
  .map((s) => s.trim())
  .filter(Boolean);

export const TEMPLATES = [
  'We will not {verb} any {noun} that would {verb} {group}.',
  'This {noun} is {adj} for {group}, and we intend to {verb} it.',
  'I believe the {noun} and the {noun} can only be solved through {adj} {noun}.',
  'It is {adj} that {group} continue to {verb} the {noun}.',
  'The {noun} was {adj}, and I told them so directly.',
  'There will be no {noun} without {adj} {noun} on {noun}.',
  'We are ready to {verb} the {noun} as soon as the other side is ready to {verb} the {noun}.',
  'Nobody should be surprised that {group} {verb} this {adj} {noun}.',
  'My message to {group} is simple: we will {verb} the {noun} and {verb} the {noun}.',
  'The {noun} on {noun} remains {adj}, but the {noun} is moving in the right direction.',
  'What we saw this week on {noun} was {adj} and {adj}.',
  'I have asked the {noun} committee to {verb} the {noun} before the {noun} vote.',
  'Any attempt to {verb} the {noun} will be met with a {adj} response.',
  'We have always said that the {noun} must {verb} {group}.',
  'The decision on {noun} is {adj} and it is final.',
  'Our focus is on {noun}, {noun} and {noun}, not on {noun}.',
];

export const HEADLINES = [
  '{Name} says {noun} talks are {adj}',
  '{Name} to {verb} {noun} plan amid {noun} fears',
  '{Source} exclusive: {Name} and {Name2} clash over {noun}',
  'What {Name} said about {noun} and {noun}',
  '{Name} vows to {verb} {noun} after {adj} week',
  'Officials {verb} {noun} deal as {noun} deadline nears',
  '{Name} meets {Name2} in {City} for {noun} talks',
  'Analysis: why the {noun} fight matters for {noun}',
];

export const LEADINS = [
  '{Name} told reporters on {day}.',
  'said {Name}, speaking in {City}.',
  '{Name} said in a {channel}.',
  'according to {Name}.',
  '{Name} added later.',
  'the {title} said.',
];

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export const UNNAMED = [
  'a senior official',
  'a source familiar with the talks',
  'the White House',
  'the Kremlin',
  'a spokesperson',
  'two people briefed on the matter',
];
