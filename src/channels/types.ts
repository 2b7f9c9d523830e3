import type { NumberedChoice } from '../conversation/choices.js';
import type { Locale } from '../conversation/i18n.js';
import type { OutMessage } from '../conversation/message.js';
import type { ChannelName } from '../store/repos/people.js';

/**
 * What a channel can do. The core renders by these flags, never by the channel's name,
 * so a third channel is one more folder with its own declaration.
 */
export interface Capabilities {
  buttons: boolean;
  edits: boolean;
  groups: boolean;
  documents: boolean;
  /** People can send the bot a document (a spreadsheet to import). */
  receivesDocuments: boolean;
  photos: 'upload' | 'url';
  commandMenu: boolean;
  textLimit: number;
  captionLimit: number;
  /** Sending limits the outbox sender keeps to. */
  limits: { perSecond: number; perChatIntervalMs: number; groupPerMinute: number };
  /** The bot can delete messages in a private chat, its own and the person's (Telegram: within 48 hours). */
  deletes?: boolean;
  /** Monthly message budget, if the channel's plan has one. */
  monthlyQuota: number | null;
}

export type SendFailure =
  | { kind: 'rateLimited'; retryAfterMs: number }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'quota' }
  | { kind: 'transient'; reason: string }
  | { kind: 'rejected'; reason: string };

export type SendResult = { ok: true; ref: string | null; parts: number } | { ok: false; failure: SendFailure; partsSent: number };

export interface Delivery {
  chatId: string;
  message: OutMessage;
  numbered: NumberedChoice[][];
  locale: Locale;
  /** Parts already delivered by an earlier attempt (a long text split in several). */
  skipParts: number;
  /** The platform message to replace, where the channel can edit. */
  replaceRef?: string | null;
}

/** The sending half of a channel adapter. */
export interface Transport {
  readonly channel: ChannelName;
  readonly capabilities: Capabilities;
  send(delivery: Delivery): Promise<SendResult>;
}
