// Resolves date expressions ("Wednesday", "last month", "this fall", "June 2012") against the
// publication date, keeping only the precision the text gives: a weekday is one day, "last month"
// is the whole month, "this fall" is the whole season.
//
// Seasons are meteorological (fall = Sep 1 – Nov 30, winter = Dec 1 – end of Feb, spring =
// Mar 1 – May 31, summer = Jun 1 – Aug 31): whole months are easier to compare and query than
// solstice dates, and reporters rarely mean the astronomical boundaries.
import * as chrono from 'chrono-node';

export interface DateRange {
  start: string; // YYYY-MM-DD
  end: string;
  /** offset of the expression in the searched text, and its length */
  index: number;
  length: number;
}

type Season = 'spring' | 'summer' | 'fall' | 'winter';
const SEASON_START_MONTH: Record<Season, number> = { spring: 2, summer: 5, fall: 8, winter: 11 };
const SEASON_PATTERN = /\b(?:(this|last|next|early|late|in the)\s+)?(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?((?:19|20)\d{2}))?\b/gi;
const YEAR_PATTERN = /\b(?:in|since|by|during)\s+((?:19|20)\d{2})\b/g;

function isoDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10);
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function seasonRange(season: Season, year: number): { start: string; end: string } {
  const startMonth = SEASON_START_MONTH[season];
  const endMonth = startMonth + 2; // may run into next year for winter
  const endYear = year + Math.floor(endMonth / 12);
  const endMonthInYear = endMonth % 12;
  return { start: isoDate(year, startMonth, 1), end: isoDate(endYear, endMonthInYear, lastDayOfMonth(endYear, endMonthInYear)) };
}

/** Which year a season refers to, given "this/last/next" and the publication date. */
function seasonYear(season: Season, modifier: string, explicitYear: string | undefined, reference: Date): number {
  if (explicitYear !== undefined) return Number(explicitYear);
  const year = reference.getUTCFullYear();
  const month = reference.getUTCMonth();
  // the season "in progress or coming up" this year; winter in Jan/Feb started the year before
  const current = season === 'winter' && month < 2 ? year - 1 : year;
  if (modifier === 'last') {
    // "last fall" is this year's fall only once it is over
    const seasonOver = season !== 'winter' && month > SEASON_START_MONTH[season] + 2;
    return seasonOver ? current : current - 1;
  }
  if (modifier === 'next') return current + 1;
  return current;
}

function seasonRanges(text: string, reference: Date): DateRange[] {
  const ranges: DateRange[] = [];
  for (const match of text.matchAll(SEASON_PATTERN)) {
    const rawSeason = (match[2] ?? '').toLowerCase();
    const season: Season = rawSeason === 'autumn' ? 'fall' : (rawSeason as Season);
    const modifier = (match[1] ?? '').toLowerCase();
    if (modifier === '' && match[3] === undefined) continue; // bare "fall" is too often a verb
    const range = seasonRange(season, seasonYear(season, modifier, match[3], reference));
    ranges.push({ ...range, index: match.index ?? 0, length: match[0].length });
  }
  return ranges;
}

/** Words before a weekday that put it ahead of the publication date ("will vote on Friday"). */
const FUTURE_CUE = /\b(?:will|is to|are to|set for|scheduled|planned|plans? to|due|expected|upcoming|coming|to be held)\b/i;
const WEEKDAY_MODIFIER = /\b(?:next|last|this|past|coming)\b/i;

/**
 * A bare weekday ("on Monday") is the latest such day up to the publication date (the day itself
 * included: a report of the day's news names its weekday), or the next one when the text before it
 * looks ahead. chrono would pick the day in the publication's week, after it half the time.
 */
function weekdayDate(weekday: number, before: string, reference: Date): Date {
  const today = reference.getUTCDay();
  const shift = FUTURE_CUE.test(before) ? (weekday - today + 7) % 7 : -((today - weekday + 7) % 7);
  return new Date(Date.UTC(reference.getUTCFullYear(), reference.getUTCMonth(), reference.getUTCDate() + shift));
}

function chronoRanges(text: string, reference: Date): DateRange[] {
  const ranges: DateRange[] = [];
  for (const result of chrono.parse(text, { instant: reference, timezone: 'UTC' }, { forwardDate: false })) {
    const bareWeekday =
      result.start.isCertain('weekday') && !result.start.isCertain('day') && !result.start.isCertain('month') && !WEEKDAY_MODIFIER.test(result.text);
    const date = bareWeekday ? weekdayDate(result.start.get('weekday')!, text.slice(0, result.index), reference) : result.start.date();
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const lower = result.text.toLowerCase();
    let range: { start: string; end: string };
    if (/\bweek\b/.test(lower)) {
      // weeks run Monday to Sunday around the publication date (chrono starts them on Sunday)
      const shift = /\blast\b/.test(lower) ? -7 : /\bnext\b/.test(lower) ? 7 : 0;
      const day = new Date(reference.getTime() + shift * 86_400_000);
      const monday = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - ((day.getUTCDay() + 6) % 7)));
      range = { start: monday.toISOString().slice(0, 10), end: isoDate(monday.getUTCFullYear(), monday.getUTCMonth(), monday.getUTCDate() + 6) };
    } else if (result.start.isCertain('day') || result.start.isCertain('weekday')) {
      const day = isoDate(year, month, date.getUTCDate());
      const end = result.end?.date();
      range = { start: day, end: end ? end.toISOString().slice(0, 10) : day };
    } else if (result.start.isCertain('month')) {
      range = { start: isoDate(year, month, 1), end: isoDate(year, month, lastDayOfMonth(year, month)) };
    } else if (result.start.isCertain('year')) {
      range = { start: isoDate(year, 0, 1), end: isoDate(year, 11, 31) };
    } else {
      continue;
    }
    ranges.push({ ...range, index: result.index, length: result.text.length });
  }
  return ranges;
}

function yearRanges(text: string): DateRange[] {
  return [...text.matchAll(YEAR_PATTERN)].map((match) => {
    const year = Number(match[1]);
    return { start: isoDate(year, 0, 1), end: isoDate(year, 11, 31), index: match.index ?? 0, length: match[0].length };
  });
}

/** Date expressions in `text`, in text order; overlapping readings keep the first found. */
export function resolveDates(text: string, reference: Date): DateRange[] {
  const all = [...seasonRanges(text, reference), ...chronoRanges(text, reference), ...yearRanges(text)].sort((a, b) => a.index - b.index);
  const kept: DateRange[] = [];
  for (const range of all) {
    const previous = kept[kept.length - 1];
    if (previous !== undefined && range.index < previous.index + previous.length) continue;
    kept.push(range);
  }
  return kept;
}
