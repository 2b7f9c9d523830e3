import type { Clock } from '../clock.js';
import type { Transport } from '../channels/types.js';
import type { ChoiceBook, NumberedChoice } from '../conversation/choices.js';
import { isLocale, type Translator } from '../conversation/i18n.js';
import type { Logger } from '../logger.js';
import { deserialise } from '../services/notifier.js';
import type { OutboxRepo, OutboxRow } from '../store/repos/outbox.js';
import type { PeopleRepo } from '../store/repos/people.js';
import { SendPacer } from './pacer.js';
import type { QuotaGuard } from './quota.js';

const MAX_ATTEMPTS = 8;
const BATCH = 50;

/**
 * One sender per channel: takes due outbox rows in order and delivers them within the channel's
 * limits (overall per second, per chat), honours retry_after, retries transient failures with
 * backoff, and marks people unreachable when the platform says so. Nothing is removed from the
 * outbox: a killed process resumes where it stopped.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private pausedUntil = 0;

  constructor(
    private readonly transport: Transport,
    private readonly outbox: OutboxRepo,
    private readonly people: PeopleRepo,
    private readonly choices: ChoiceBook,
    private readonly translator: Translator,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly quota: QuotaGuard | null,
    /** Shared with the channel's direct replies, so both stay within one budget. */
    readonly pacer: SendPacer = new SendPacer(transport.capabilities.limits),
  ) {}

  start(): void {
    this.stopped = false;
    const freed = this.outbox.recover(this.transport.channel, this.clock.now() - 60_000);
    if (freed > 0) this.log.warn({ channel: this.transport.channel, freed }, 'outbox rows left sending by a previous run are queued again');
    this.wake();
  }

  /** Called after enqueueing, so a new message does not wait for the next poll. */
  wake(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), 0);
  }

  /** Stops taking new rows and waits for the one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  /**
   * Delivers everything due now; returns how many rows were handled (for jobs:run and tests).
   * A chat that must wait (its own spacing, a group's per-minute limit) is looked past, so one
   * busy chat never holds up the others.
   */
  async drain(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let handled = 0;
    let done!: () => void;
    this.idle = new Promise((r) => (done = r));
    try {
      for (;;) {
        if (this.stopped || this.halted()) break;
        const rows = this.outbox.due(this.transport.channel, this.clock.now(), BATCH, this.pacer.busyChats());
        if (rows.length === 0) {
          // Only busy chats have due rows: wait for the first to free up, unless nothing is due at all.
          const waiting = this.outbox.due(this.transport.channel, this.clock.now(), BATCH);
          if (waiting.length === 0) break;
          await sleep(Math.min(1000, Math.max(20, Math.min(...waiting.map((r) => this.pacer.chatWait(r.chatId))))));
          continue;
        }
        for (const row of rows) {
          if (this.stopped || this.halted()) break;
          if (this.pacer.chatWait(row.chatId) > 0) continue;
          for (let wait = this.pacer.rateWait(); wait > 0; wait = this.pacer.rateWait()) await sleep(wait);
          await this.deliver(row);
          handled++;
        }
      }
    } catch (err) {
      this.log.error({ err, channel: this.transport.channel }, 'outbox drain failed');
    } finally {
      this.running = false;
      done();
      this.schedule();
    }
    return handled;
  }

  private halted(): boolean {
    return Date.now() < this.pausedUntil || this.quota?.paused() === true;
  }

  private schedule(): void {
    if (this.stopped) return;
    const next = this.outbox.nextDueAt(this.transport.channel);
    const now = this.clock.now();
    const at = Math.max(next ?? now + 1000, now + Math.max(0, this.pausedUntil - Date.now()));
    this.timer = setTimeout(() => void this.drain(), Math.min(Math.max(at - now, 20), 1000));
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const payload = row.payload;
    const message = deserialise(payload);
    const now = this.clock.now();
    // A message that is no longer useful (a reminder for a meeting that has started) is dropped, not sent late.
    if (typeof payload.expiresAt === 'number' && now >= payload.expiresAt) {
      if (this.outbox.claim(row.id, now)) this.outbox.fail(row.id, 'expired');
      return;
    }
    const replaceRef = this.replaceRefOf(row);
    if (replaceRef === 'wait') return;
    if (this.quota && !this.quota.allow(row)) return;
    if (!this.outbox.claim(row.id, now)) return;
    const numbered = Array.isArray(payload.numbered)
      ? (payload.numbered as NumberedChoice[][])
      : this.choices.number(row.channel, row.chatId, message, 'notice');
    const locale = isLocale(payload.locale) ? payload.locale : this.localeOf(row);
    this.pacer.note(row.chatId);
    const result = await this.transport.send({ chatId: row.chatId, message, numbered, locale, skipParts: row.partsSent, replaceRef });
    const after = this.clock.now();
    const calls = result.ok ? result.parts - row.partsSent : result.partsSent - row.partsSent + 1;
    if (calls > 1) this.pacer.note(row.chatId, calls - 1);
    if (result.ok) {
      this.outbox.markSent(row.id, after, result.ref);
      this.quota?.count(result.parts - row.partsSent);
      return;
    }
    const f = result.failure;
    this.log.warn({ channel: row.channel, outboxId: row.id, failure: f.kind, attempts: row.attempts + 1 }, 'outbox send failed');
    if (f.kind === 'rateLimited') {
      // A group's per-minute limit stops that group only; anything else stops the channel for a while.
      if (row.chatId.startsWith('-')) this.pacer.pauseChat(row.chatId, f.retryAfterMs);
      else this.pausedUntil = Date.now() + f.retryAfterMs;
      this.outbox.retryAt(row.id, after + f.retryAfterMs, 'rate limited', result.partsSent);
    } else if (f.kind === 'quota') {
      this.outbox.retryAt(row.id, after, 'quota', result.partsSent);
      this.quota?.exhausted();
    } else if (f.kind === 'unreachable') {
      this.people.markUnreachable(row.channel, row.chatId, f.reason);
      this.outbox.fail(row.id, f.reason);
    } else if (f.kind === 'rejected' || row.attempts + 1 >= MAX_ATTEMPTS) {
      this.outbox.fail(row.id, f.kind === 'rejected' ? f.reason : `gave up: ${f.reason}`);
    } else {
      this.outbox.retryAt(row.id, after + backoff(row.attempts), f.reason, result.partsSent);
    }
  }

  /**
   * The platform message this row replaces: its own `replaceRef`, or the message sent by the row
   * named in `payload.replaceKey` (a card's earlier version). 'wait' while that row is unsent.
   */
  private replaceRefOf(row: OutboxRow): string | null | 'wait' {
    if (row.replaceRef) return row.replaceRef;
    const key = row.payload.replaceKey;
    if (typeof key !== 'string') return null;
    const earlier = this.outbox.byKey(key);
    if (!earlier || earlier.status === 'failed') return null;
    if (earlier.status === 'sent') return earlier.sentRef;
    this.outbox.setStatus([row.id], 'pending', this.clock.now() + 1000);
    return 'wait';
  }

  private localeOf(row: OutboxRow): 'vi' | 'en' {
    const person = row.personId ? this.people.person(row.personId) : undefined;
    return isLocale(person?.locale) ? person.locale : this.translator.defaultLocale;
  }
}

/** 2 s, 4 s, 8 s … capped at 5 minutes. */
export const backoff = (attempts: number): number => Math.min(2000 * 2 ** attempts, 300_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
