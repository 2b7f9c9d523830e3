import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCell, addPerson, openWorld, type TestWorld } from '../services/testing.js';
import { QuotaGuard } from './quota.js';

const log = pino({ level: 'silent' });

describe('QuotaGuard (Zalo monthly budget)', () => {
  let w: TestWorld;
  let guard: QuotaGuard;
  const chat = 'abcdef0123456789abcd';

  beforeEach(() => {
    w = openWorld();
    addCell(w, 'Chi bộ Một', { channel: 'telegram', externalId: '100', fullName: 'Trần Thị Bình' });
    addPerson(w, 'zalo', chat, 'Lan');
    guard = new QuotaGuard('zalo', 100, w.repos.outbox, w.repos.cells, w.repos.members, () => w.services.notifier, w.clock, 'Asia/Ho_Chi_Minh', log);
  });
  afterEach(() => w.close());

  const nudge = (key: string, text: string, essential = false) => {
    w.repos.outbox.enqueue({ cellId: 1, personId: null, channel: 'zalo', chatId: chat, payload: { text }, idempotencyKey: key, essential, nextAttemptAt: w.clock.now(), createdAt: w.clock.now() });
    return w.repos.outbox.byKey(key)!;
  };

  it('lets everything through under 80 % and warns the secretaries once at 80 %', () => {
    expect(guard.allow(nudge('a', 'một'))).toBe(true);
    guard.count(79);
    expect(w.repos.outbox.byStatus('telegram', 'pending')).toHaveLength(0);
    guard.count(1);
    guard.count(1);
    const warnings = w.repos.outbox.byStatus('telegram', 'pending');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.payload.text)).toContain('80/100');
  });

  it('merges a person\'s waiting nudges into one message past 80 %, losing no text', () => {
    guard.count(85);
    const first = nudge('n1', 'Nhắc họp chi bộ');
    nudge('n2', 'Nhắc đảng phí');
    expect(guard.allow(first)).toBe(false);
    const pending = w.repos.outbox.byStatus('zalo', 'pending');
    expect(pending).toHaveLength(1);
    expect(String(pending[0]?.payload.text)).toContain('Nhắc họp chi bộ');
    expect(String(pending[0]?.payload.text)).toContain('Nhắc đảng phí');
    expect(w.repos.outbox.byKey('n1')?.sentRef).toMatch(/^merged:/);
    expect(guard.allow(pending[0]!)).toBe(true);
  });

  it('holds nudges past 95 % but never essential messages, and releases them when the month turns', () => {
    guard.count(96);
    expect(guard.allow(nudge('e', 'Thẻ duyệt', true))).toBe(true);
    expect(guard.allow(nudge('h', 'Nhắc'))).toBe(false);
    expect(w.repos.outbox.byKey('h')?.status).toBe('held');
    w.clock.advance(31 * 86_400_000);
    expect(guard.paused()).toBe(false);
    expect(w.repos.outbox.byKey('h')?.status).toBe('pending');
  });

  it('pauses until the first day of next month (cell time) on "Quota exceeded" and tells the secretary on another channel', () => {
    nudge('w1', 'chờ');
    guard.exhausted();
    expect(guard.paused()).toBe(true);
    const told = w.repos.outbox.byStatus('telegram', 'pending');
    expect(told.some((r) => String(r.payload.text).includes('1 tin nhắn'))).toBe(true);
    // 2026-03-10 in tests: paused through 31/3 (Asia/Ho_Chi_Minh), free again on 1/4 00:00 +07.
    w.clock.set(Date.UTC(2026, 2, 31, 16, 59));
    expect(guard.paused()).toBe(true);
    w.clock.set(Date.UTC(2026, 2, 31, 17, 0));
    expect(guard.paused()).toBe(false);
  });
});
