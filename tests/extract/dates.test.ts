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

describe('resolveDates: weekdays and relative days against the publication date', () => {
  const wednesday = new Date('2026-12-02T15:00:00Z');
  const on = (text: string, reference = wednesday) => {
    const range = resolveDates(text, reference)[0];
    return range === undefined ? undefined : [range.start, range.end];
  };

  it('a bare weekday is the latest such day up to publication, the day itself included', () => {
    expect(on('the council met on Monday')).toEqual(['2026-11-30', '2026-11-30']);
    expect(on('the council met on Friday')).toEqual(['2026-11-27', '2026-11-27']);
    expect(on('the council met Thursday night')).toEqual(['2026-11-26', '2026-11-26']);
    expect(on('the council met on Wednesday')).toEqual(['2026-12-02', '2026-12-02']);
    // published on a Monday, "on Monday" is that day
    expect(on('the council met on Monday', new Date('2026-11-30T09:00:00Z'))).toEqual(['2026-11-30', '2026-11-30']);
  });

  it('a weekday the text looks ahead to is the next one', () => {
    expect(on('the council will vote on Friday')).toEqual(['2026-12-04', '2026-12-04']);
    expect(on('a vote is scheduled for Monday')).toEqual(['2026-12-07', '2026-12-07']);
    expect(on('the council votes next Friday')).toEqual(['2026-12-11', '2026-12-11']);
  });

  it('"last Tuesday", "yesterday", "last week"', () => {
    expect(on('it happened last Tuesday')).toEqual(['2026-12-01', '2026-12-01']);
    expect(on('it happened yesterday')).toEqual(['2026-12-01', '2026-12-01']);
    expect(on('it happened last week')).toEqual(['2026-11-23', '2026-11-29']);
  });

  it('explicit dates keep their own day and year', () => {
    expect(on('it happened on Nov. 28, 2025')).toEqual(['2025-11-28', '2025-11-28']);
    expect(on('on 3 March 2024 the council voted')).toEqual(['2024-03-03', '2024-03-03']);
  });
});
