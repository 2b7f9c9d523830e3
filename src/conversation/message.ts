/** Platform-neutral messages: what services and dialogue features produce, channels render. */

export interface Choice {
  label: string;
  /** Packed action, e.g. `join:ok:12`; at most 64 bytes (Telegram's callback_data limit). */
  action: string;
}

export interface FileAttachment {
  kind: 'photo' | 'document';
  filename: string;
  mime: string;
  data: Buffer;
  caption?: string;
}

export interface OutMessage {
  text: string;
  /** Rows of choices; Telegram shows buttons, Zalo a numbered list. */
  choices?: Choice[][];
  attachments?: FileAttachment[];
  /** Replace the message whose button was pressed, where the channel can edit; else send anew. */
  replaceOrigin?: boolean;
  /** Messages of this chat to delete before this one is sent, on channels that can (others ignore it). */
  deleteRefs?: string[];
  /**
   * Carries what must never be stored next to the chat it goes to (anonymous feedback, a
   * self-criticism note): sent at once or not at all, never parked in the outbox.
   */
  sensitive?: boolean;
}

/** A message to deliver to someone other than the sender; goes through the outbox. */
export interface Notice {
  personId: number;
  cellId: number | null;
  message: OutMessage;
  /** Unique per logical message, so a retry or restart never sends it twice. */
  key: string;
  essential?: boolean;
}

/** A message to the cell's group chat, where one is linked. */
export interface GroupPost {
  cellId: number;
  message: OutMessage;
  key: string;
}

export interface HandlerResult {
  replies: OutMessage[];
  notices: Notice[];
  groupPosts: GroupPost[];
}

export const text = (t: string, choices?: Choice[][]): OutMessage => (choices ? { text: t, choices } : { text: t });

export const choice = (label: string, action: string): Choice => ({ label, action });

export const flatChoices = (m: OutMessage): Choice[] => (m.choices ?? []).flat();
