import { createHash } from 'node:crypto';
import type { Inbound } from '../../conversation/inbound.js';

export interface ZaloUpdate {
  event_name?: string;
  message?: {
    message_id?: string;
    date?: number;
    from?: { id?: string; display_name?: string; is_bot?: boolean };
    chat?: { id?: string; chat_type?: string };
    text?: string;
    photo_url?: string;
    caption?: string;
  };
}

/** Accepts an update sent flat or wrapped as {ok, result}: both are seen in the wild. */
export function unwrap(body: unknown): ZaloUpdate | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as { ok?: unknown; result?: unknown; event_name?: unknown };
  if ('result' in b && b.result && typeof b.result === 'object') return b.result as ZaloUpdate;
  return 'event_name' in b ? (b as ZaloUpdate) : null;
}

/** Zalo update → the core's Inbound; null for what the bot ignores (its own messages, unknown shapes). */
export function toInbound(update: ZaloUpdate, botId: string | null): Inbound | null {
  const m = update.message;
  const fromId = m?.from?.id;
  const chatId = m?.chat?.id ?? fromId;
  if (!m || !fromId || !chatId || m.from?.is_bot || fromId === botId) return null;
  const base = {
    channel: 'zalo' as const,
    chatId: String(chatId),
    chatKind: 'private' as const,
    from: { id: String(fromId), displayName: m.from?.display_name ?? '' },
    // Without a message id, a digest of sender, time and text: the stored key never holds what was typed (anonymous feedback).
    updateKey: m.message_id ? String(m.message_id) : createHash('sha256').update(`${fromId}:${m.date ?? ''}:${m.text ?? ''}`).digest('hex'),
  };
  if (update.event_name === 'message.text.received' && typeof m.text === 'string') return { ...base, kind: 'text', text: m.text };
  // A photo arrives as an https URL on Zalo's servers: the reference is kept, the image is not downloaded.
  if (typeof m.photo_url === 'string' && m.photo_url !== '') return { ...base, kind: 'media', file: { kind: 'photo', ref: m.photo_url }, ...(typeof m.caption === 'string' ? { text: m.caption } : {}) };
  return { ...base, kind: 'media' };
}
