import { describe, expect, it } from 'vitest';
import type { NumberedChoice } from '../conversation/choices.js';
import { Translator } from '../conversation/i18n.js';
import type { FileAttachment, OutMessage } from '../conversation/message.js';
import { numberedList, planParts, type FileLinks, type Part } from './render.js';
import type { Capabilities } from './types.js';

const t = new Translator('vi').for('vi');

const limits = { perSecond: 10, perChatIntervalMs: 300, groupPerMinute: 60 };
const telegramLike: Capabilities = {
  buttons: true,
  edits: true,
  groups: true,
  documents: true,
  receivesDocuments: true,
  photos: 'upload',
  commandMenu: true,
  textLimit: 4096,
  captionLimit: 1024,
  limits,
  monthlyQuota: null,
};
const zaloLike: Capabilities = {
  buttons: false,
  edits: false,
  groups: false,
  documents: false,
  receivesDocuments: false,
  photos: 'url',
  commandMenu: false,
  textLimit: 2000,
  captionLimit: 2000,
  limits,
  monthlyQuota: 3000,
};

/** Records every call; answers with a URL or with null. */
function links(answer: 'url' | 'null'): FileLinks & { calls: { cellId: number | null; filename: string; mime: string }[] } {
  const calls: { cellId: number | null; filename: string; mime: string }[] = [];
  return {
    calls,
    fileLink(cellId, filename, mime) {
      calls.push({ cellId, filename, mime });
      return answer === 'url' ? `https://files.example.org/f/${filename}?sig=abc` : null;
    },
  };
}

const approve: NumberedChoice[][] = [
  [
    { label: 'Duyệt', action: 'join:ok:12', n: 1 },
    { label: 'Từ chối', action: 'join:no:12', n: 2 },
  ],
];
const three: NumberedChoice[][] = [[{ label: 'Một', action: 'a', n: 1 }], [{ label: 'Hai', action: 'b', n: 2 }], [{ label: 'Ba', action: 'c', n: 3 }]];

const photo: FileAttachment = { kind: 'photo', filename: 'moi-chi-bo.png', mime: 'image/png', data: Buffer.from([1, 2, 3]), caption: 'Mã QR mời vào chi bộ' };
const doc: FileAttachment = { kind: 'document', filename: 'bien-ban.pdf', mime: 'application/pdf', data: Buffer.from('pdf'), caption: 'Biên bản họp' };

const texts = (parts: Part[]): string[] => parts.flatMap((p) => (p.kind === 'text' ? [p.text] : []));

/** A long Vietnamese text of many short lines. */
function longText(chars: number): string {
  const line = 'Đồng chí Nguyễn Văn An báo cáo tình hình thực hiện nghị quyết tháng.';
  return Array.from({ length: Math.ceil(chars / (line.length + 1)) }, (_, i) => `${i + 1}) ${line}`)
    .join('\n')
    .slice(0, chars);
}

describe('numberedList', () => {
  it('lists "n. label" lines and the reply hint', () => {
    expect(numberedList(approve, t)).toBe(`1. Duyệt\n2. Từ chối\n${t('common.replyWithNumber', { numbers: '1 hoặc 2' })}`);
  });

  it('speaks one, two and three numbers naturally', () => {
    expect(numberedList([[{ label: 'OK', action: 'ok', n: 7 }]], t).split('\n')).toEqual(['7. OK', t('common.replyWithNumber', { numbers: '7' })]);
    expect(numberedList(three, t)).toContain(t('common.replyWithNumber', { numbers: '1, 2 hoặc 3' }));
    expect(numberedList(three, t).split('\n').slice(0, 3)).toEqual(['1. Một', '2. Hai', '3. Ba']);
  });

  it('uses the locale text for the hint', () => {
    expect(t('common.replyWithNumber', { numbers: '1 hoặc 2' })).toContain('Trả lời bằng số: 1 hoặc 2');
  });
});

describe('planParts on a channel with buttons', () => {
  it('sends the text with the choices as buttons and no numbered list', () => {
    const message: OutMessage = { text: 'Có người xin vào chi bộ.' };
    const parts = planParts(message, approve, telegramLike, t, links('url'), 5);
    expect(parts).toEqual([{ kind: 'text', text: 'Có người xin vào chi bộ.', buttons: approve }]);
  });

  it('sends plain text without buttons when there are no choices', () => {
    expect(planParts({ text: 'Xin chào' }, [], telegramLike, t, links('url'), null)).toEqual([{ kind: 'text', text: 'Xin chào', buttons: [] }]);
  });

  it('puts the buttons on the last part of a long text', () => {
    const message: OutMessage = { text: longText(9000) };
    const parts = planParts(message, approve, telegramLike, t, links('url'), 5);
    expect(parts.length).toBe(3);
    parts.forEach((p, i) => {
      if (p.kind !== 'text') throw new Error('text expected');
      expect([...p.text].length).toBeLessThanOrEqual(4096);
      expect(p.buttons).toEqual(i === parts.length - 1 ? approve : []);
      expect(p.text).not.toContain(t('common.replyWithNumber', { numbers: '1 hoặc 2' }));
    });
  });

  it('uploads photos and documents after the text', () => {
    const l = links('url');
    const parts = planParts({ text: 'Mã mời', attachments: [photo, doc] }, [], telegramLike, t, l, 5);
    expect(parts).toEqual([
      { kind: 'text', text: 'Mã mời', buttons: [] },
      { kind: 'photo', data: photo.data, filename: 'moi-chi-bo.png', caption: 'Mã QR mời vào chi bộ' },
      { kind: 'document', data: doc.data, filename: 'bien-ban.pdf', mime: 'application/pdf', caption: 'Biên bản họp' },
    ]);
    expect(l.calls).toEqual([]);
  });

  it('cuts captions to the caption limit', () => {
    const long: FileAttachment = { ...photo, caption: 'x'.repeat(1500) };
    const parts = planParts({ text: 'Ảnh', attachments: [long, { ...doc, caption: undefined }] }, [], telegramLike, t, links('url'), 5);
    const [, p, d] = parts;
    expect(p?.kind === 'photo' && p.caption.length).toBe(1024);
    expect(d?.kind === 'document' && d.caption).toBe('');
  });
});

describe('planParts on a channel without buttons', () => {
  it('appends the numbered list and the reply hint to the text', () => {
    const parts = planParts({ text: 'Có người xin vào chi bộ.' }, approve, zaloLike, t, links('url'), 5);
    expect(parts).toHaveLength(1);
    const [part] = parts;
    expect(part).toEqual({ kind: 'text', text: `Có người xin vào chi bộ.\n\n${numberedList(approve, t)}`, buttons: [] });
    const lines = (part?.kind === 'text' ? part.text : '').split('\n');
    expect(lines).toContain('1. Duyệt');
    expect(lines).toContain('2. Từ chối');
    expect(lines.at(-1)).toBe(t('common.replyWithNumber', { numbers: '1 hoặc 2' }));
  });

  it('adds nothing when there are no choices', () => {
    expect(planParts({ text: 'Xin chào' }, [], zaloLike, t, links('url'), null)).toEqual([{ kind: 'text', text: 'Xin chào', buttons: [] }]);
  });

  it('splits a 5,000-character text into parts of at most 2,000 with the list whole in the last part', () => {
    const text = longText(5000);
    expect(text).toHaveLength(5000);
    const parts = planParts({ text }, three, zaloLike, t, links('url'), 5);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const all = texts(parts);
    expect(all).toHaveLength(parts.length);
    const list = numberedList(three, t);
    for (const p of parts) {
      if (p.kind !== 'text') throw new Error('text expected');
      expect([...p.text].length).toBeLessThanOrEqual(2000);
      expect(p.text.length).toBeLessThanOrEqual(2000);
      expect(p.buttons).toEqual([]);
    }
    expect(all.at(-1)?.endsWith(list)).toBe(true);
    for (const s of all.slice(0, -1)) {
      expect(s).not.toContain('1. Một');
      expect(s).not.toContain(t('common.replyWithNumber', { numbers: '1, 2 hoặc 3' }));
    }
    expect(all.join('').replace(/\s+/g, '')).toBe(`${text}${list}`.replace(/\s+/g, ''));
  });

  it('keeps the list whole when the body almost fills two parts', () => {
    for (const size of [1990, 2000, 3950, 3999, 4000]) {
      const parts = texts(planParts({ text: longText(size) }, approve, zaloLike, t, links('url'), 5));
      for (const s of parts) expect([...s].length).toBeLessThanOrEqual(2000);
      expect(parts.at(-1)).toContain(numberedList(approve, t));
    }
  });

  it('sends a photo by URL when a link can be made', () => {
    const l = links('url');
    const parts = planParts({ text: 'Mã mời' }, [], zaloLike, t, l, 5);
    expect(parts).toEqual([{ kind: 'text', text: 'Mã mời', buttons: [] }]);
    const withPhoto = planParts({ text: 'Mã mời', attachments: [photo] }, [], zaloLike, t, l, 5);
    expect(withPhoto).toEqual([
      { kind: 'text', text: 'Mã mời', buttons: [] },
      { kind: 'photoUrl', url: 'https://files.example.org/f/moi-chi-bo.png?sig=abc', caption: 'Mã QR mời vào chi bộ' },
    ]);
    expect(l.calls).toEqual([{ cellId: 5, filename: 'moi-chi-bo.png', mime: 'image/png' }]);
  });

  it('turns a document into link text when a link can be made', () => {
    const l = links('url');
    const parts = planParts({ text: 'Biên bản đã xong.', attachments: [doc] }, [], zaloLike, t, l, 9);
    const url = 'https://files.example.org/f/bien-ban.pdf?sig=abc';
    expect(parts).toEqual([{ kind: 'text', text: `Biên bản đã xong.\n\n${t('files.link', { name: 'Biên bản họp', url })}`, buttons: [] }]);
    expect(texts(parts)[0]).toContain(url);
    expect(l.calls).toEqual([{ cellId: 9, filename: 'bien-ban.pdf', mime: 'application/pdf' }]);
  });

  it('names the file by its filename when it has no caption', () => {
    const parts = planParts({ text: 'Tệp', attachments: [{ ...doc, caption: undefined }] }, [], zaloLike, t, links('url'), 9);
    expect(texts(parts)[0]).toContain(t('files.link', { name: 'bien-ban.pdf', url: 'https://files.example.org/f/bien-ban.pdf?sig=abc' }));
  });

  it('explains that a file is unavailable when no link can be made', () => {
    const parts = planParts({ text: 'Mã mời', attachments: [photo, doc] }, [], zaloLike, t, links('null'), 5);
    expect(parts).toEqual([
      {
        kind: 'text',
        text: ['Mã mời', t('files.unavailable', { name: 'Mã QR mời vào chi bộ' }), t('files.unavailable', { name: 'Biên bản họp' })].join('\n\n'),
        buttons: [],
      },
    ]);
    expect(texts(parts)[0]).toContain('kênh này không nhận được tệp');
  });

  it('puts file notes before the numbered list', () => {
    const parts = texts(planParts({ text: 'Biên bản', attachments: [doc] }, approve, zaloLike, t, links('null'), 5));
    expect(parts).toHaveLength(1);
    const s = parts[0] ?? '';
    expect(s.indexOf(t('files.unavailable', { name: 'Biên bản họp' }))).toBeGreaterThan(s.indexOf('Biên bản'));
    expect(s.indexOf('1. Duyệt')).toBeGreaterThan(s.indexOf(t('files.unavailable', { name: 'Biên bản họp' })));
    expect(s.endsWith(numberedList(approve, t))).toBe(true);
  });
});
