/** Where "now" comes from, so tests can pin the time written into rows. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
