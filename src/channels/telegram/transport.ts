import type { Telegram } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { NumberedChoice } from '../../conversation/choices.js';
import type { Translator } from '../../conversation/i18n.js';
import { planParts, type FileLinks, type Part } from '../render.js';
import type { Delivery, SendFailure, SendResult, Transport } from '../types.js';
import { telegramCapabilities } from './capabilities.js';

interface ApiError {
  code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/** Maps a Bot API failure to what the sender should do about it. */
export function classify(err: unknown): SendFailure {
  const e = (err ?? {}) as { response?: ApiError; code?: number | string; description?: string };
  const code = e.response?.code ?? (typeof e.code === 'number' ? e.code : undefined);
  const description = e.response?.description ?? e.description ?? String(err);
  if (code === 429) return { kind: 'rateLimited', retryAfterMs: (e.response?.parameters?.retry_after ?? 1) * 1000 };
  if (code === 403) return { kind: 'unreachable', reason: description };
  if (code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(description)) return { kind: 'unreachable', reason: description };
  if (code === 400 || code === 401 || code === 404) return { kind: 'rejected', reason: description };
  return { kind: 'transient', reason: code ? `${code} ${description}` : 'network error' };
}

/** Telegram's answer to an edit that changes nothing. */
export function isNotModified(err: unknown): boolean {
  const e = (err ?? {}) as { response?: ApiError; description?: string };
  return /message is not modified/i.test(e.response?.description ?? e.description ?? '');
}

export function keyboard(rows: NumberedChoice[][]): InlineKeyboardMarkup | undefined {
  if (rows.length === 0) return undefined;
  return { inline_keyboard: rows.map((row) => row.map((c) => ({ text: c.label, callback_data: c.action }))) };
}

export class TelegramTransport implements Transport {
  readonly channel = 'telegram' as const;
  readonly capabilities = telegramCapabilities;

  constructor(
    private readonly telegram: Telegram,
    private readonly translator: Translator,
    private readonly links: FileLinks,
  ) {}

  async send(d: Delivery): Promise<SendResult> {
    // Deletions asked for by the dialogue come first; a message already gone (or too old) is no failure.
    if (d.skipParts === 0) for (const ref of d.message.deleteRefs ?? []) await this.telegram.deleteMessage(d.chatId, Number(ref)).catch(() => undefined);
    const parts = planParts(d.message, d.numbered, this.capabilities, this.translator.for(d.locale), this.links, null);
    let ref: string | null = null;
    let sent = 0;
    for (const [i, part] of parts.entries()) {
      if (i < d.skipParts) continue;
      try {
        const replace = i === 0 && d.replaceRef ? d.replaceRef : null;
        ref = await this.sendPart(d.chatId, part, replace);
        sent++;
      } catch (err) {
        return { ok: false, failure: classify(err), partsSent: d.skipParts + sent };
      }
    }
    return { ok: true, ref, parts: parts.length };
  }

  private async sendPart(chatId: string, part: Part, replaceRef: string | null): Promise<string> {
    if (part.kind === 'text') {
      const reply_markup = keyboard(part.buttons);
      if (replaceRef) {
        try {
          await this.telegram.editMessageText(chatId, Number(replaceRef), undefined, part.text, { reply_markup });
          return replaceRef;
        } catch (err) {
          // Editing to the same content is already the wanted state: never post a second card.
          if (isNotModified(err)) return replaceRef;
          // A card that can no longer be edited (too old, deleted) gets a fresh message instead.
          if (classify(err).kind === 'rateLimited') throw err;
        }
      }
      const m = await this.telegram.sendMessage(chatId, part.text, { reply_markup, link_preview_options: { is_disabled: true } });
      return String(m.message_id);
    }
    if (part.kind === 'photo') {
      const m = await this.telegram.sendPhoto(chatId, { source: part.data, filename: part.filename }, { caption: part.caption });
      return String(m.message_id);
    }
    if (part.kind === 'photoUrl') {
      const m = await this.telegram.sendPhoto(chatId, part.url, { caption: part.caption });
      return String(m.message_id);
    }
    const m = await this.telegram.sendDocument(chatId, { source: part.data, filename: part.filename }, { caption: part.caption });
    return String(m.message_id);
  }
}
