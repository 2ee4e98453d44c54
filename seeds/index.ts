import randPaulLetter from './cnn-2018-08-08-rand-paul-letter.js';
import type { SeedArticle } from './types.js';

/** Every hand-modelled article, loaded by `npm run db:seed` and on the embedded default's first start. */
export const seedArticles: SeedArticle[] = [randPaulLetter];
