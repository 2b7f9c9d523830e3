import type { Clock } from '../clock.js';
import type { Inbound } from '../conversation/inbound.js';
import type { Router } from '../conversation/router.js';
import type { Logger } from '../logger.js';
import { serialise } from '../services/notifier.js';
import type { OutboxRepo } from '../store/repos/outbox.js';
import type { SendPacer } from '../outbox/pacer.js';
import type { QuotaGuard } from '../outbox/quota.js';
import type { RenderedReply } from '../conversation/router.js';
import type { Locale } from '../conversation/i18n.js';
import type { SendFailure, Transport } from './types.js';

/**
 * The shared inbound path of every channel: hand the update to the core, send its answers
 * at once, and put any answer that could not go out now into the outbox, so none is lost.
 */
export class InboundDispatcher {
  constructor(
    private readonly router: Router,
    private readonly transport: Transport,
    private readonly outbox: OutboxRepo,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly wake: () => void,
    private readonly quota: QuotaGuard | null = null,
    /** The channel's sending budget: replies never wait for it, but count in it. */
    private readonly pacer: SendPacer | null = null,
  ) {}

  async handle(inbound: Inbound, originRef: string | null = null): Promise<{ toast: string | null }> {
    const result = await this.router.handle(inbound);
    const { locale } = result;
    for (const [i, reply] of result.replies.entries()) {
      const key = `reply:${inbound.channel}:${inbound.updateKey}:${i}`;
      // While the channel's monthly budget is spent, answers wait in the outbox with everything else.
      if (this.quota?.paused() && !reply.sensitive) {
        this.defer(inbound.chatId, key, reply, locale, 0, 0);
        continue;
      }
      const replaceRef = reply.replaceOrigin && this.transport.capabilities.edits ? originRef : null;
      let sent = await this.transport.send({ chatId: inbound.chatId, message: reply, numbered: reply.numbered, locale, skipParts: 0, replaceRef });
      // A private reply never waits in the outbox, so a rate limit or a blip is waited out here, a few times.
      for (let tries = 0; reply.sensitive && !sent.ok && tries < 3 && (sent.failure.kind === 'rateLimited' || sent.failure.kind === 'transient'); tries++) {
        await new Promise((r) => setTimeout(r, sent.ok ? 0 : delayFor(sent.failure)));
        const before = sent.ok ? 0 : sent.partsSent;
        sent = await this.transport.send({ chatId: inbound.chatId, message: { ...reply, deleteRefs: [] }, numbered: reply.numbered, locale, skipParts: before, replaceRef });
      }
      this.pacer?.note(inbound.chatId, sent.ok ? sent.parts : sent.partsSent + 1);
      if (sent.ok) {
        this.quota?.count(sent.parts);
        continue;
      }
      if (reply.sensitive) {
        // Anonymous feedback or a private note is never parked in the outbox next to the chat id; the person can ask again.
        if (sent.failure.kind === 'quota') this.quota?.exhausted();
        this.log.warn({ channel: inbound.channel, failure: sent.failure.kind }, 'private reply not delivered, not queued');
        continue;
      }
      this.log.warn({ channel: inbound.channel, failure: sent.failure.kind }, 'reply deferred to outbox');
      if (sent.failure.kind === 'rejected' || sent.failure.kind === 'unreachable') continue;
      if (sent.failure.kind === 'quota') this.quota?.exhausted();
      this.defer(inbound.chatId, key, reply, locale, sent.partsSent, delayFor(sent.failure));
    }
    return { toast: result.toast };
  }

  private defer(chatId: string, key: string, reply: RenderedReply, locale: Locale, partsSent: number, delayMs: number): void {
    this.outbox.enqueue({
      cellId: null,
      personId: null,
      channel: this.transport.channel,
      chatId,
      payload: { ...serialise(reply), numbered: reply.numbered, locale },
      idempotencyKey: key,
      essential: true,
      partsSent,
      nextAttemptAt: this.clock.now() + delayMs,
      createdAt: this.clock.now(),
    });
    this.wake();
  }
}

const delayFor = (f: SendFailure): number => (f.kind === 'rateLimited' ? f.retryAfterMs : f.kind === 'quota' ? 0 : 1000);
