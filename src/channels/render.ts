import type { NumberedChoice } from '../conversation/choices.js';
import type { Translate } from '../conversation/i18n.js';
import type { FileAttachment, OutMessage } from '../conversation/message.js';
import { splitText } from '../domain/text.js';
import type { Capabilities } from './types.js';

/** One API call's worth of a message, decided by the channel's capabilities. */
export type Part =
  | { kind: 'text'; text: string; buttons: NumberedChoice[][] }
  | { kind: 'photo'; data: Buffer; filename: string; caption: string }
  | { kind: 'photoUrl'; url: string; caption: string }
  | { kind: 'document'; data: Buffer; filename: string; mime: string; caption: string };

export interface FileLinks {
  fileLink(cellId: number | null, filename: string, mime: string, data: Buffer): string | null;
}

/**
 * Plans how a platform-neutral message goes out: choices as buttons or as a numbered list,
 * text split under the channel's limit at line breaks, files uploaded, linked or explained.
 */
export function planParts(message: OutMessage, numbered: NumberedChoice[][], caps: Capabilities, t: Translate, links: FileLinks, cellId: number | null): Part[] {
  const fileParts: Part[] = [];
  const notes: string[] = [];
  for (const a of message.attachments ?? []) {
    const part = attachmentPart(a, caps, links, cellId);
    if (part) fileParts.push(part);
    else {
      const url = links.fileLink(cellId, a.filename, a.mime, a.data);
      notes.push(url ? t('files.link', { name: a.caption ?? a.filename, url }) : t('files.unavailable', { name: a.caption ?? a.filename }));
    }
  }
  const body = [message.text, ...notes].join('\n\n');
  const useButtons = caps.buttons && numbered.length > 0;
  const full = useButtons || numbered.length === 0 ? body : `${body}\n\n${numberedList(numbered, t)}`;
  const chunks = splitText(full, caps.textLimit);
  const textParts: Part[] = chunks.map((text, i) => ({ kind: 'text', text, buttons: useButtons && i === chunks.length - 1 ? numbered : [] }));
  return [...textParts, ...fileParts];
}

function attachmentPart(a: FileAttachment, caps: Capabilities, links: FileLinks, cellId: number | null): Part | null {
  const caption = (a.caption ?? '').slice(0, caps.captionLimit);
  if (a.kind === 'photo' && caps.photos === 'upload') return { kind: 'photo', data: a.data, filename: a.filename, caption };
  if (a.kind === 'photo' && caps.photos === 'url') {
    const url = links.fileLink(cellId, a.filename, a.mime, a.data);
    return url ? { kind: 'photoUrl', url, caption } : null;
  }
  if (a.kind === 'document' && caps.documents) return { kind: 'document', data: a.data, filename: a.filename, mime: a.mime, caption };
  return null;
}

/** "1. Duyệt\n2. Từ chối\nTrả lời bằng số: 1 hoặc 2 …" */
export function numberedList(numbered: NumberedChoice[][], t: Translate): string {
  const flat = numbered.flat();
  const lines = flat.map((c) => `${c.n}. ${c.label}`);
  const numbers = flat.map((c) => String(c.n));
  const spoken = numbers.length > 1 ? `${numbers.slice(0, -1).join(', ')} ${t('common.or')} ${numbers[numbers.length - 1]}` : (numbers[0] ?? '');
  return [...lines, t('common.replyWithNumber', { numbers: spoken })].join('\n');
}
