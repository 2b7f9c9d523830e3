import type { Translator } from '../../conversation/i18n.js';
import { planParts, type FileLinks, type Part } from '../render.js';
import type { Capabilities, Delivery, SendFailure, SendResult, Transport } from '../types.js';
import { ZaloApiError, type ZaloClient } from './client.js';

export function classify(err: unknown): SendFailure {
  if (err instanceof ZaloApiError) {
    if (err.code === 429 && /quota/i.test(err.description)) return { kind: 'quota' };
    if (err.code === 429) return { kind: 'rateLimited', retryAfterMs: 2000 };
    if (err.code === 403) return { kind: 'unreachable', reason: err.description };
    if (err.code >= 500) return { kind: 'transient', reason: `${err.code} ${err.description}` };
    return { kind: 'rejected', reason: `${err.code} ${err.description}` };
  }
  return { kind: 'transient', reason: 'network error' };
}

export class ZaloTransport implements Transport {
  readonly channel = 'zalo' as const;

  constructor(
    private readonly client: ZaloClient,
    readonly capabilities: Capabilities,
    private readonly translator: Translator,
    private readonly links: FileLinks,
  ) {}

  async send(d: Delivery): Promise<SendResult> {
    const parts = planParts(d.message, d.numbered, this.capabilities, this.translator.for(d.locale), this.links, null);
    let sent = 0;
    let ref: string | null = null;
    for (const [i, part] of parts.entries()) {
      if (i < d.skipParts) continue;
      try {
        ref = await this.sendPart(d.chatId, part);
        sent++;
      } catch (err) {
        return { ok: false, failure: classify(err), partsSent: d.skipParts + sent };
      }
    }
    return { ok: true, ref, parts: parts.length };
  }

  private async sendPart(chatId: string, part: Part): Promise<string | null> {
    if (part.kind === 'text') {
      const r = await this.client.call<{ message_id?: string }>('sendMessage', { chat_id: chatId, text: part.text });
      return r?.message_id ?? null;
    }
    if (part.kind === 'photoUrl') {
      const r = await this.client.call<{ message_id?: string }>('sendPhoto', { chat_id: chatId, photo: part.url, caption: part.caption });
      return r?.message_id ?? null;
    }
    // Planning never gives Zalo bytes to upload; this guards a wrong capability declaration.
    throw new ZaloApiError(400, `cannot send ${part.kind} on Zalo`);
  }
}
