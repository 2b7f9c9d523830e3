import { TZDate } from '@date-fns/tz';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { deserialise, type Notifier } from '../services/notifier.js';
import type { MemberRepo } from '../store/repos/members.js';
import type { OutboxRepo, OutboxRow } from '../store/repos/outbox.js';
import type { ChannelName } from '../store/repos/people.js';
import type { CellRepo } from '../store/repos/cells.js';

/** Past this share of the month's budget the secretaries are told. */
export const WARN_SHARE = 0.8;
/** Past this share only essential messages go out; nudges wait for the next month. */
export const HOLD_SHARE = 0.95;

/**
 * Keeps a channel with a monthly message budget (Zalo's free plan) inside it: counts messages,
 * warns at 80 %, holds non-essential messages near the limit, and pauses on "Quota exceeded"
 * until the month turns. Held and waiting messages stay in the outbox; none is dropped.
 */
export class QuotaGuard {
  constructor(
    private readonly channel: ChannelName,
    private readonly limit: number,
    private readonly outbox: OutboxRepo,
    private readonly cells: CellRepo,
    private readonly members: MemberRepo,
    private readonly notifier: () => Notifier,
    private readonly clock: Clock,
    private readonly timezone: string,
    private readonly log: Logger,
  ) {}

  private month(): string {
    const d = new TZDate(this.clock.now(), this.timezone);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
  }

  private key(): string {
    return `${this.channel}:${this.month()}`;
  }

  used(): number {
    return this.outbox.usage(this.key())?.count ?? 0;
  }

  /** True while sending must wait for the next month. Releases held messages once it has turned. */
  paused(): boolean {
    const usage = this.outbox.usage(this.key());
    if (!usage) this.releaseHeld();
    return (usage?.pausedUntil ?? 0) > this.clock.now();
  }

  /**
   * Decides for one row. Past 80 % a person's waiting nudges go out as one message; past 95 %
   * nudges wait for next month (held) and only essential messages go.
   */
  allow(row: OutboxRow): boolean {
    if (row.essential) return true;
    const used = this.used();
    if (used >= this.limit * HOLD_SHARE) {
      this.outbox.setStatus([row.id], 'held');
      this.log.info({ channel: this.channel, outboxId: row.id }, 'message held for quota');
      return false;
    }
    if (used >= this.limit * WARN_SHARE && this.merge(row.chatId)) return false;
    return true;
  }

  /** Merges a chat's pending nudges into one new row; true if it did (the sender picks that up). */
  private merge(chatId: string): boolean {
    const nudges = this.outbox.pendingNudges(this.channel, chatId);
    if (nudges.length < 2) return false;
    const first = nudges[0] as OutboxRow;
    const key = `merged:${nudges.map((n) => n.id).join(',')}`;
    const parts = nudges.map((n) => deserialise(n.payload));
    const header = this.notifier().translateFor(first.personId ?? 0)('quota.merged');
    const merged = {
      text: [header, ...parts.map((p) => p.text)].join('\n\n— — —\n\n'),
      choices: parts.flatMap((p) => p.choices ?? []),
      locale: first.payload.locale,
    };
    const now = this.clock.now();
    this.outbox.enqueue({ cellId: first.cellId, personId: first.personId, channel: this.channel, chatId, payload: merged, idempotencyKey: key, essential: false, nextAttemptAt: now, createdAt: now });
    this.outbox.markMerged(nudges.map((n) => n.id), key, now);
    this.log.info({ channel: this.channel, merged: nudges.length }, 'nudges merged for quota');
    return true;
  }

  count(n: number): void {
    if (n <= 0) return;
    const used = this.outbox.addUsage(this.key(), n);
    const usage = this.outbox.usage(this.key());
    if (used >= this.limit * WARN_SHARE && !usage?.warnedAt) {
      this.outbox.updateUsage(this.key(), { warnedAt: this.clock.now() });
      this.tellSecretaries('warn', (t) => ({ text: t('quota.warn', { used, limit: this.limit }) }));
    }
  }

  /** The platform answered "Quota exceeded": stop until the month turns and say what waits. */
  exhausted(): void {
    const nextMonth = this.startOfNextMonth();
    this.outbox.updateUsage(this.key(), { pausedUntil: nextMonth });
    const waiting = this.outbox.byStatus(this.channel, 'pending').length + this.outbox.byStatus(this.channel, 'held').length;
    this.log.warn({ channel: this.channel, waiting }, 'channel quota exhausted; paused until next month');
    this.tellSecretaries('paused', (t) => ({ text: t('quota.paused', { waiting }) }));
  }

  private releaseHeld(): void {
    const held = this.outbox.byStatus(this.channel, 'held').map((r) => r.id);
    this.outbox.setStatus(held, 'pending', this.clock.now());
  }

  private startOfNextMonth(): number {
    const d = new TZDate(this.clock.now(), this.timezone);
    return new TZDate(d.getFullYear(), d.getMonth() + 1, 1, 0, 0, 0, this.timezone).getTime();
  }

  private tellSecretaries(kind: string, build: Parameters<Notifier['toPerson']>[3]): void {
    const notifier = this.notifier();
    for (const cell of this.cells.list()) {
      for (const s of this.members.withRoles(cell.id, ['secretary'])) {
        notifier.toPerson(s.personId, cell.id, `quota:${this.channel}:${kind}:${this.month()}:${s.personId}`, build, true, this.channel);
      }
    }
  }
}
