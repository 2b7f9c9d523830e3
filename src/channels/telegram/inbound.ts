import type { Update } from 'telegraf/types';
import type { Inbound } from '../../conversation/inbound.js';

type User = { id: number; first_name: string; last_name?: string; is_bot: boolean };

const displayName = (u: User): string => [u.first_name, u.last_name].filter(Boolean).join(' ');

/** Telegram update → the core's Inbound; null for updates the bot does not act on. */
export function toInbound(update: Update, botId: number): Inbound | null {
  const key = String(update.update_id);
  if ('callback_query' in update) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    if (!chat || !('data' in q)) return null;
    return {
      channel: 'telegram',
      chatId: String(chat.id),
      chatKind: chat.type === 'private' ? 'private' : 'group',
      from: { id: String(q.from.id), displayName: displayName(q.from) },
      updateKey: key,
      kind: 'action',
      action: q.data,
      ...(q.message ? { messageRef: String(q.message.message_id) } : {}),
    };
  }
  if ('my_chat_member' in update) {
    const m = update.my_chat_member;
    const joined = m.new_chat_member.user.id === botId && ['member', 'administrator'].includes(m.new_chat_member.status) && !['member', 'administrator'].includes(m.old_chat_member.status);
    if (!joined || (m.chat.type !== 'group' && m.chat.type !== 'supergroup')) return null;
    return { channel: 'telegram', chatId: String(m.chat.id), chatKind: 'group', from: { id: String(m.from.id), displayName: displayName(m.from) }, updateKey: key, kind: 'botAdded' };
  }
  if (!('message' in update)) return null;
  const msg = update.message;
  if (!msg.from || msg.from.is_bot) return null;
  const base = {
    channel: 'telegram' as const,
    chatId: String(msg.chat.id),
    chatKind: msg.chat.type === 'private' ? ('private' as const) : ('group' as const),
    from: { id: String(msg.from.id), displayName: displayName(msg.from) },
    updateKey: key,
    messageRef: String(msg.message_id),
  };
  if ('text' in msg) return { ...base, kind: 'text', text: msg.text };
  const caption = 'caption' in msg && typeof msg.caption === 'string' ? { text: msg.caption } : {};
  // The largest size's file_id: a reference the bot can use again; the photo itself is not downloaded.
  if ('photo' in msg) return { ...base, kind: 'media', ...caption, ...(msg.photo.length > 0 ? { file: { kind: 'photo' as const, ref: (msg.photo[msg.photo.length - 1] as { file_id: string }).file_id } } : {}) };
  if ('document' in msg) return { ...base, kind: 'media', ...caption, file: { kind: 'document', ref: msg.document.file_id, ...(msg.document.file_name ? { name: msg.document.file_name } : {}), ...(msg.document.file_size !== undefined ? { size: msg.document.file_size } : {}) } };
  if ('sticker' in msg || 'voice' in msg || 'video' in msg) return { ...base, kind: 'media' };
  return null;
}
