import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery, SendResult, Transport } from '../channels/types.js';
import { telegramCapabilities } from '../channels/telegram/capabilities.js';
import { ChoiceBook } from '../conversation/choices.js';
import { openWorld, type TestWorld } from '../services/testing.js';
import { SendPacer } from './pacer.js';
import { OutboxSender } from './sender.js';

/** A transport that records deliveries and answers from a script (ok by default). */
class ScriptedTransport implements Transport {
  readonly channel = 'telegram' as const;
  readonly capabilities = telegramCapabilities;
  readonly sent: Delivery[] = [];
  private next = 1;
  constructor(private readonly answer: (d: Delivery) => SendResult | null = () => null) {}
  async send(d: Delivery): Promise<SendResult> {
    this.sent.push(d);
    return this.answer(d) ?? { ok: true, ref: d.replaceRef ?? String(this.next++), parts: 1 };
  }
}

let w: TestWorld;
beforeEach(() => {
  w = openWorld({ start: Date.now() });
});
afterEach(() => w.close());

const fastLimits = { perSecond: 1000, perChatIntervalMs: 40, groupPerMinute: 1500 };

function sender(transport: Transport, limits = fastLimits): OutboxSender {
  return new OutboxSender(transport, w.repos.outbox, w.repos.people, new ChoiceBook(w.repos.conversations, w.clock), w.translator, w.clock, pino({ level: 'silent' }), null, new SendPacer(limits));
}

function enqueue(key: string, chatId: string, payload: Record<string, unknown> = {}): void {
  w.repos.outbox.enqueue({ cellId: null, personId: null, channel: 'telegram', chatId, payload: { text: key, ...payload }, idempotencyKey: key, essential: true, nextAttemptAt: w.clock.now(), createdAt: w.clock.now() });
}

const status = (key: string) => w.repos.outbox.byKey(key)?.status;

describe('SendPacer', () => {
  it('keeps the overall rate, the per-chat spacing and the group limit, and counts replies', () => {
    let now = 1_000_000;
    const pacer = new SendPacer({ perSecond: 3, perChatIntervalMs: 1000, groupPerMinute: 20 }, () => now);
    pacer.note('1');
    pacer.note('2');
    expect(pacer.rateWait()).toBe(0);
    pacer.note('3');
    expect(pacer.rateWait()).toBe(1000);
    expect(pacer.chatWait('1')).toBe(1000);
    expect(pacer.chatWait('4')).toBe(0);
    expect(pacer.busyChats().sort()).toEqual(['1', '2', '3']);
    now += 1000;
    expect(pacer.rateWait()).toBe(0);
    expect(pacer.busyChats()).toEqual([]);
    pacer.note('-100', 1);
    expect(pacer.chatWait('-100')).toBe(3000);
    pacer.pauseChat('5', 2500);
    expect(pacer.chatWait('5')).toBe(2500);
  });
});

describe('OutboxSender', () => {
  it('sends messages to single people before a broadcast marked bulk', async () => {
    const t = new ScriptedTransport();
    for (let i = 0; i < 3; i++) enqueue(`bulk${i}`, `10${i}`, { bulk: true });
    enqueue('approval', '200');
    await sender(t).drain();
    expect(t.sent.map((d) => d.message.text)).toEqual(['approval', 'bulk0', 'bulk1', 'bulk2']);
  });

  it('looks past a chat that must wait instead of holding up the others', async () => {
    const t = new ScriptedTransport();
    enqueue('a1', '1');
    enqueue('a2', '1');
    enqueue('b1', '2');
    await sender(t).drain();
    expect(t.sent.map((d) => d.message.text)).toEqual(['a1', 'b1', 'a2']);
  });

  it('edits the message an earlier row sent (a card), and waits while that row is unsent', async () => {
    const t = new ScriptedTransport();
    enqueue('card:0', '-100');
    enqueue('card:1', '-100', { replaceKey: 'card:0' });
    await sender(t).drain();
    expect(t.sent.map((d) => [d.message.text, d.replaceRef ?? null])).toEqual([
      ['card:0', null],
      ['card:1', w.repos.outbox.byKey('card:0')?.sentRef],
    ]);
    // A version whose card has not gone out yet waits instead of posting a second card.
    w.repos.outbox.enqueue({ cellId: null, personId: null, channel: 'telegram', chatId: '-200', payload: { text: 'late:0' }, idempotencyKey: 'late:0', essential: true, nextAttemptAt: w.clock.now() + 60_000, createdAt: w.clock.now() });
    enqueue('late:1', '-200', { replaceKey: 'late:0' });
    await sender(t).drain();
    expect(t.sent).toHaveLength(2);
    expect(w.repos.outbox.byKey('late:1')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('drops a message whose time has passed instead of sending it late', async () => {
    const t = new ScriptedTransport();
    enqueue('stale', '1', { expiresAt: w.clock.now() - 1 });
    enqueue('fresh', '2', { expiresAt: w.clock.now() + 60_000 });
    await sender(t).drain();
    expect(t.sent.map((d) => d.message.text)).toEqual(['fresh']);
    expect(w.repos.outbox.byKey('stale')).toMatchObject({ status: 'failed', lastError: 'expired' });
  });

  it('on 429 from a group waits for that group only; on 403 marks the person unreachable and stops', async () => {
    const account = w.repos.people.touchAccount('telegram', '7', 'Blocked', w.clock.now());
    let groupLimited = false;
    const t = new ScriptedTransport((d) => {
      if (d.chatId === '-100' && !groupLimited) {
        groupLimited = true;
        return { ok: false, failure: { kind: 'rateLimited', retryAfterMs: 60_000 }, partsSent: 0 };
      }
      if (d.chatId === '7') return { ok: false, failure: { kind: 'unreachable', reason: 'Forbidden: bot was blocked by the user' }, partsSent: 0 };
      return null;
    });
    enqueue('group', '-100');
    enqueue('blocked', '7');
    enqueue('other', '8');
    await sender(t).drain();
    expect(t.sent.map((d) => d.message.text)).toEqual(['group', 'blocked', 'other']);
    expect(status('group')).toBe('pending');
    expect(w.repos.outbox.byKey('group')?.nextAttemptAt).toBeGreaterThanOrEqual(w.clock.now() + 60_000);
    expect(status('blocked')).toBe('failed');
    expect(status('other')).toBe('sent');
    expect(w.repos.people.account('telegram', '7')).toMatchObject({ reachable: false, personId: account.personId });
  });

  it('retries transient failures with backoff and keeps what is not sent', async () => {
    let fail = true;
    const t = new ScriptedTransport(() => (fail ? { ok: false, failure: { kind: 'transient', reason: '502 Bad Gateway' }, partsSent: 0 } : null));
    enqueue('x', '1');
    const s = sender(t);
    await s.drain();
    expect(w.repos.outbox.byKey('x')).toMatchObject({ status: 'pending', attempts: 1, lastError: '502 Bad Gateway' });
    fail = false;
    w.clock.advance(2_000);
    await s.drain();
    expect(status('x')).toBe('sent');
  });
});
