// Name comparisons behind resolution across articles (src/ingest/name-match.ts) and the clean-up
// of machine-found names (src/ingest/resolve.ts).
import { describe, expect, it } from 'vitest';
import { isFullName, nameParts, preferredName, sameNameForms, surnameKey } from '../src/ingest/name-match.js';
import { cleanName, headlineEnd, isOrganisationName } from '../src/ingest/resolve.js';

describe('sameNameForms', () => {
  it.each([
    ['Hillary Rodham Clinton', 'Hillary Clinton'],
    ['Timothy M. Kaine', 'Tim Kaine'],
    ['Donald J. Trump', 'Donald Trump'],
    ['Bill Clinton', 'William Jefferson Clinton'],
    ['Sen. Ted Cruz', 'Ted Cruz'],
    ['Trump', 'Donald Trump'],
    ['J. Smith', 'John Smith'],
    ['Crooked Hillary Clinton', 'Hillary Clinton'],
  ])('%s = %s', (a, b) => {
    expect(sameNameForms(a, b)).toBe(true);
    expect(sameNameForms(b, a)).toBe(true);
  });

  it.each([
    ['Bill Clinton', 'Hillary Clinton'],
    ['Donald Trump', 'Donald Trump Jr.'],
    ['Donald Trump Jr.', 'Donald Trump Sr.'],
    ['Ivanka Trump', 'Donald Trump'],
    ['X Trump', 'Donald Trump'],
    ['Jo Smith', 'John Smith'],
    ['Ted Cruz', 'Ted Kennedy'],
  ])('%s is not %s', (a, b) => {
    expect(sameNameForms(a, b)).toBe(false);
    expect(sameNameForms(b, a)).toBe(false);
  });
});

describe('name parts', () => {
  it('splits titles, initials, particles and suffixes off', () => {
    expect(nameParts('President Donald J. Trump Jr.')).toEqual({ given: ['donald'], initials: ['j'], surname: 'trump', suffix: 'jr', words: 3 });
    expect(nameParts('Martin Van Buren')?.surname).toBe('van buren');
    expect(surnameKey('Donald Trump Jr.')).toBe('trump jr');
    expect(surnameKey("Clinton's")).toBe('clinton');
  });

  it('a full name has a given name or initial and a family name', () => {
    expect(isFullName('Hillary Clinton')).toBe(true);
    expect(isFullName('J. Smith')).toBe(true);
    expect(isFullName('Clinton')).toBe(false);
    expect(isFullName('Senator Paul')).toBe(false);
  });

  it('prefers a given name to an initial and the formal given name on a tie', () => {
    expect(preferredName(['J. Comey', 'Jim Comey', 'James Comey'])).toBe('James Comey');
    expect(preferredName(['D. Trump', 'Donald Trump'])).toBe('Donald Trump');
    expect(preferredName(['Crooked Hillary Clinton', 'Hillary Clinton'])).toBe('Hillary Clinton');
  });
});

describe('cleaning machine-found names', () => {
  it.each([
    ['Ted Cruz Cruz', 'Ted Cruz'],
    ['Ted Cruz And', 'Ted Cruz'],
    ['Paul Ryan With Trump', 'Paul Ryan'],
    ["Donald Trump's", 'Donald Trump'],
    ['Hillary Rodham Clinton', 'Hillary Rodham Clinton'],
  ])('%s -> %s', (raw, clean) => expect(cleanName(raw)).toBe(clean));

  it('knows organisations by their words', () => {
    expect(isOrganisationName('White House')).toBe(true);
    expect(isOrganisationName('Clinton Campaign')).toBe(true);
    expect(isOrganisationName('William Morris Endeavor')).toBe(true);
    expect(isOrganisationName('Hillary Clinton')).toBe(false);
  });

  it('finds a title-case first line as the headline, not a sentence', () => {
    const titled = 'Donald Trump Leads New Poll In Iowa.\n\nDonald Trump leads the field, a poll found.';
    expect(headlineEnd(titled, null)).toBe(titled.indexOf('\n'));
    const prose = 'Donald Trump said on Monday that the poll was wrong and would be forgotten.\nMore text.';
    expect(headlineEnd(prose, null)).toBe(0);
    expect(headlineEnd(prose, 'Donald Trump said on Monday that the poll was wrong')).toBe(prose.indexOf('\n'));
  });
});
