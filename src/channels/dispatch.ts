import type { Clock } from '../clock.js';
import type { Inbound } from '../conversation/inbound.js';
import type { Router } from '../conversation/router.js';
import type { Logger } from '../logger.js';
import { serialise } from '../services/notifier.js';
import type { OutboxRepo } from '../store/repos/outbox.js';
import type { Transport } from './types.js';

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
  ) {}

  async handle(inbound: Inbound, originRef: string | null = null): Promise<{ toast: string | null }> {
    const result = await this.router.handle(inbound);
    const { locale } = result;
    for (const [i, reply] of result.replies.entries()) {
      const replaceRef = reply.replaceOrigin && this.transport.capabilities.edits ? originRef : null;
      const sent = await this.transport.send({ chatId: inbound.chatId, message: reply, numbered: reply.numbered, locale, skipParts: 0, replaceRef });
      if (sent.ok) continue;
      this.log.warn({ channel: inbound.channel, failure: sent.failure.kind }, 'reply deferred to outbox');
      if (sent.failure.kind === 'rejected' || sent.failure.kind === 'unreachable') continue;
      this.outbox.enqueue({
        cellId: null,
        personId: null,
        channel: inbound.channel,
        chatId: inbound.chatId,
        payload: { ...serialise(reply), numbered: reply.numbered, locale },
        idempotencyKey: `reply:${inbound.channel}:${inbound.updateKey}:${i}`,
        essential: true,
        partsSent: sent.partsSent,
        nextAttemptAt: this.clock.now() + (sent.failure.kind === 'rateLimited' ? sent.failure.retryAfterMs : 1000),
        createdAt: this.clock.now(),
      });
      this.wake();
    }
    return { toast: result.toast };
  }
}
