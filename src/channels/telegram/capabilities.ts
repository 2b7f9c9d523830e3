import type { Capabilities } from '../types.js';

/** Telegram Bot API limits: 4096 characters a message, ~30 messages/s, 1/s per chat, 20/min per group. */
export const telegramCapabilities: Capabilities = {
  buttons: true,
  edits: true,
  groups: true,
  documents: true,
  receivesDocuments: true,
  photos: 'upload',
  commandMenu: true,
  textLimit: 4096,
  captionLimit: 1024,
  // 29/s leaves one message a second of margin under the 30/s limit for timing jitter.
  limits: { perSecond: 29, perChatIntervalMs: 1050, groupPerMinute: 19 },
  deletes: true,
  monthlyQuota: null,
};
