import type { Capabilities } from '../types.js';

/** Zalo Bot Platform: no buttons, edits, groups or documents; photos by https URL; 2,000 characters. */
export function zaloCapabilities(monthlyQuota: number): Capabilities {
  return {
    buttons: false,
    edits: false,
    groups: false,
    documents: false,
    receivesDocuments: false,
    photos: 'url',
    commandMenu: false,
    textLimit: 2000,
    captionLimit: 2000,
    limits: { perSecond: 10, perChatIntervalMs: 300, groupPerMinute: 60 },
    monthlyQuota,
  };
}
