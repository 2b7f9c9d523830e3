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
}

/** Parses "/cmd@bot args" or a bare command word; returns null for ordinary text. */
export function parseCommand(text: string): { name: string; args: string } | null {
  const m = text.trim().match(/^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/);
  if (!m) return null;
  return { name: (m[1] as string).toLowerCase(), args: (m[2] ?? '').trim() };
}
