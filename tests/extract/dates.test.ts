import { describe, expect, it } from 'vitest';
import { resolveDates } from '../../src/extract/dates.js';

const published = new Date('2018-08-08T12:00:00Z'); // a Wednesday
const first = (text: string): { start: string; end: string } | undefined => {
  const range = resolveDates(text, published)[0];
  return range === undefined ? undefined : { start: range.start, end: range.end };
};

describe('resolveDates', () => {
  it('resolves a weekday to one day', () => {
    expect(first('Paul announced Wednesday that')).toEqual({ start: '2018-08-08', end: '2018-08-08' });
  });

  it('resolves "last month" to the whole previous month', () => {
    expect(first('his meeting with Putin last month in Helsinki')).toEqual({ start: '2018-07-01', end: '2018-07-31' });
  });

  it('resolves "this fall" to the meteorological season', () => {
    expect(first('invited Putin to the US this fall')).toEqual({ start: '2018-09-01', end: '2018-11-30' });
  });

  it('resolves "last fall" to the previous year while this fall has not ended', () => {
    expect(first('they met last fall')).toEqual({ start: '2017-09-01', end: '2017-11-30' });
  });

  it('resolves "this week" to Monday through Sunday', () => {
    expect(first('who is visiting Moscow this week')).toEqual({ start: '2018-08-06', end: '2018-08-12' });
  });

  it('keeps a bare year as the whole year', () => {
    expect(first('meddling in 2016')).toEqual({ start: '2016-01-01', end: '2016-12-31' });
  });
});
