/** The one source of time outside tests; domain code receives `now` from callers. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
