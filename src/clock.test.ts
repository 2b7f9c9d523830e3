import { describe, expect, it } from 'vitest';
import { AdjustableClock, systemClock } from './clock.js';

describe('AdjustableClock', () => {
  const realAt = (start: number) => {
    let t = start;
    return { now: () => t, tick: (ms: number) => void (t += ms) };
  };

  it('starts at real time by default and runs on with it', () => {
    const real = realAt(1_000);
    const clock = new AdjustableClock(undefined, real.now);
    expect(clock.now()).toBe(1_000);
    real.tick(250);
    expect(clock.now()).toBe(1_250);
  });

  it('starts at a given instant and keeps running from there', () => {
    const real = realAt(1_000);
    const clock = new AdjustableClock(50_000, real.now);
    expect(clock.now()).toBe(50_000);
    real.tick(10);
    expect(clock.now()).toBe(50_010);
  });

  it('moves forward to an instant and by an amount, and time goes on from there', () => {
    const real = realAt(0);
    const clock = new AdjustableClock(100, real.now);
    expect(clock.moveTo(3_600_100)).toBe(3_600_100);
    real.tick(5);
    expect(clock.now()).toBe(3_600_105);
    expect(clock.advance(86_400_000)).toBe(3_600_105 + 86_400_000);
    expect(clock.lead).toBe(3_600_100 + 86_400_000);
  });

  it('never goes back: an instant already past leaves it where it is, a negative step is refused', () => {
    const real = realAt(0);
    const clock = new AdjustableClock(10_000, real.now);
    expect(clock.moveTo(5_000)).toBe(10_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.moveTo(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toBe(10_000);
  });

  it('the system clock is real time', () => {
    const before = Date.now();
    const t = systemClock.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
