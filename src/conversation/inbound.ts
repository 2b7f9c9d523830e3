import type { ChannelName } from '../store/repos/people.js';

/** An update from any channel, reduced to what the core needs. */
export interface Inbound {
  channel: ChannelName;
  chatId: string;
  chatKind: 'private' | 'group';
  from: { id: string; displayName: string };
  /** Unique per update on its channel, to drop redeliveries. */
  updateKey: string;
  kind: 'text' | 'action' | 'media' | 'botAdded';
  text?: string;
  action?: string;
  /**
   * The platform's id of this message (for a pressed button: of the message it is on), on channels
   * whose bot can delete messages, so a dialogue can offer to remove what was typed (anonymous feedback).
   */
  messageRef?: string;
  /**
   * For media: the platform's own reference to the file (Telegram file_id, Zalo photo URL), never
   * its contents. A dialogue that asked for a file (flow data `acceptsFile: true`) receives it.
   */
  file?: { kind: 'photo' | 'document'; ref: string; name?: string; size?: number };
}

/** Parses "/cmd@bot args" or a bare command word; returns null for ordinary text. */
export function parseCommand(text: string): { name: string; args: string } | null {
  const m = text.trim().match(/^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/);
  if (!m) return null;
  return { name: (m[1] as string).toLowerCase(), args: (m[2] ?? '').trim() };
}
