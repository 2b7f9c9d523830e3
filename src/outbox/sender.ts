import type { Clock } from '../clock.js';
import type { Transport } from '../channels/types.js';
import type { ChoiceBook, NumberedChoice } from '../conversation/choices.js';
import { isLocale, type Translator } from '../conversation/i18n.js';
import type { Logger } from '../logger.js';
import { deserialise } from '../services/notifier.js';
import type { OutboxRepo, OutboxRow } from '../store/repos/outbox.js';
import type { PeopleRepo } from '../store/repos/people.js';
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
  private readonly lastToChat = new Map<string, number>();
  private readonly recent: number[] = [];
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

  /** Delivers everything due now; returns how many rows were handled (for jobs:run and tests). */
  async drain(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let handled = 0;
    let done!: () => void;
    this.idle = new Promise((r) => (done = r));
    try {
      for (;;) {
        if (this.stopped) break;
        const now = this.clock.now();
        if (now < this.pausedUntil || this.quota?.paused()) break;
        const rows = this.outbox.due(this.transport.channel, now, BATCH);
        if (rows.length === 0) break;
        for (const row of rows) {
          if (this.stopped || this.clock.now() < this.pausedUntil || this.quota?.paused()) break;
          await this.pace(row.chatId);
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

  private schedule(): void {
    if (this.stopped) return;
    const next = this.outbox.nextDueAt(this.transport.channel);
    const now = this.clock.now();
    const at = Math.max(next ?? now + 1000, this.pausedUntil);
    this.timer = setTimeout(() => void this.drain(), Math.min(Math.max(at - now, 20), 1000));
  }

  /** Waits so that neither the channel's overall rate nor its per-chat spacing is exceeded. */
  private async pace(chatId: string): Promise<void> {
    const { perSecond, perChatIntervalMs, groupPerMinute } = this.transport.capabilities.limits;
    const isGroup = chatId.startsWith('-');
    const interval = isGroup ? Math.ceil(60_000 / groupPerMinute) : perChatIntervalMs;
    for (;;) {
      const now = Date.now();
      while (this.recent.length > 0 && (this.recent[0] as number) <= now - 1000) this.recent.shift();
      const chatWait = (this.lastToChat.get(chatId) ?? 0) + interval - now;
      const rateWait = this.recent.length >= perSecond ? (this.recent[0] as number) + 1000 - now : 0;
      const wait = Math.max(chatWait, rateWait);
      if (wait <= 0) break;
      await sleep(wait);
    }
    const now = Date.now();
    this.recent.push(now);
    this.lastToChat.set(chatId, now);
    if (this.lastToChat.size > 10_000) this.lastToChat.clear();
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const payload = row.payload;
    const message = deserialise(payload);
    if (this.quota && !this.quota.allow(row)) return;
    if (!this.outbox.claim(row.id, this.clock.now())) return;
    const numbered = Array.isArray(payload.numbered)
      ? (payload.numbered as NumberedChoice[][])
      : this.choices.number(row.channel, row.chatId, message, 'notice');
    const locale = isLocale(payload.locale) ? payload.locale : this.localeOf(row);
    const result = await this.transport.send({ chatId: row.chatId, message, numbered, locale, skipParts: row.partsSent, replaceRef: row.replaceRef });
    const now = this.clock.now();
    if (result.ok) {
      this.outbox.markSent(row.id, now, result.ref);
      this.quota?.count(result.parts - row.partsSent);
      return;
    }
    const f = result.failure;
    this.log.warn({ channel: row.channel, outboxId: row.id, failure: f.kind, attempts: row.attempts + 1 }, 'outbox send failed');
    if (f.kind === 'rateLimited') {
      this.pausedUntil = Date.now() + f.retryAfterMs;
      this.outbox.retryAt(row.id, now + f.retryAfterMs, 'rate limited', result.partsSent);
    } else if (f.kind === 'quota') {
      this.outbox.retryAt(row.id, now, 'quota', result.partsSent);
      this.quota?.exhausted();
    } else if (f.kind === 'unreachable') {
      this.people.markUnreachable(row.channel, row.chatId, f.reason);
      this.outbox.fail(row.id, f.reason);
    } else if (f.kind === 'rejected' || row.attempts + 1 >= MAX_ATTEMPTS) {
      this.outbox.fail(row.id, f.kind === 'rejected' ? f.reason : `gave up: ${f.reason}`);
    } else {
      this.outbox.retryAt(row.id, now + backoff(row.attempts), f.reason, result.partsSent);
    }
  }

  private localeOf(row: OutboxRow): 'vi' | 'en' {
    const person = row.personId ? this.people.person(row.personId) : undefined;
    return isLocale(person?.locale) ? person.locale : this.translator.defaultLocale;
  }
}

/** 2 s, 4 s, 8 s … capped at 5 minutes. */
export const backoff = (attempts: number): number => Math.min(2000 * 2 ** attempts, 300_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
