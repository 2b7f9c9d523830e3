/** The one source of time outside tests; domain code receives `now` from callers. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Simulated time that runs on with real time from a start and can be moved forward, never back
 * (the database has already seen the later instants). The playground injects one at the
 * composition root, so every service, job and message agrees on what time it is.
 */
export class AdjustableClock implements Clock {
  private offset: number;

  constructor(
    start?: number,
    private readonly real: () => number = () => Date.now(),
  ) {
    this.offset = (start ?? real()) - real();
  }

  now(): number {
    return this.real() + this.offset;
  }

  /** How far ahead of real time it runs (ms): what a restart needs to go on from the same point. */
  get lead(): number {
    return this.offset;
  }

  /** Moves to `at`; an instant already past leaves the clock where it is. */
  moveTo(at: number): number {
    if (!Number.isFinite(at)) throw new RangeError('the clock needs a finite instant');
    this.offset = Math.max(at, this.now()) - this.real();
    return this.now();
  }

  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError('the clock only moves forward');
    return this.moveTo(this.now() + ms);
  }
}
