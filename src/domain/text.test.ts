import { describe, expect, it } from 'vitest';
import { fold, splitText } from './text.js';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ['Chi', 'bộ', 'đảng', 'viên', 'sinh', 'hoạt', 'thường', 'kỳ', 'nghị', 'quyết', 'Đảng', 'ủy', 'phường', 'Bến', 'Nghé', 'họp', 'lúc', '14:00', 'ngày', '26/11/2026', 'điểm', 'danh', 'vắng', 'mặt', 'có', 'lý', 'do', 'đóng', 'đảng', 'phí', 'tháng', 'Quy', 'định', '01-QĐ/TW', 'Nguyễn', 'Văn', 'An', 'Trần', 'Thị', 'Bích', 'Ngọc', 'ưu', 'tiên', 'khuyến', 'khích', 'hướng', 'dẫn'];

function randomText(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const n = 1 + Math.floor(next() * 150);
  let out = '';
  for (let i = 0; i < n; i++) {
    const r = next();
    const word = r < 0.04 ? pick(words).repeat(2 + Math.floor(next() * 8)) : pick(words);
    out += word;
    if (i === n - 1) break;
    const s = next();
    out += s < 0.75 ? ' ' : s < 0.9 ? '\n' : s < 0.97 ? '\n\n' : '  ';
  }
  return out;
}

const cp = (s: string): number => [...s].length;
const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);
const nonSpace = (s: string): string => s.replace(/\s+/g, '');

/** Where each chunk sits in the original text (chunks are verbatim slices, trimmed at the edges). */
function locate(text: string, chunks: string[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let from = 0;
  for (const c of chunks) {
    const start = text.indexOf(c, from);
    if (start < 0) throw new Error(`chunk not found in order: ${JSON.stringify(c)}`);
    spans.push({ start, end: start + c.length });
    from = start + c.length;
  }
  return spans;
}

/** Checks the invariants of one split; returns a list of violations (empty when all hold). */
function violations(text: string, limit: number): string[] {
  const chunks = splitText(text, limit);
  const out: string[] = [];
  if (chunks.length === 0) out.push('no chunks');
  chunks.forEach((c, i) => {
    if (cp(c) > limit) out.push(`chunk ${i} has ${cp(c)} > ${limit} code points`);
    if (c.length > limit) out.push(`chunk ${i} has ${c.length} > ${limit} UTF-16 units`);
    if (text.trim().length > 0 && c.trim().length === 0) out.push(`chunk ${i} is blank`);
  });
  if (nonSpace(chunks.join('')) !== nonSpace(text)) out.push('content lost or changed');
  if (out.length > 0) return out;
  const spans = locate(text, chunks);
  spans.forEach(({ start, end }, i) => {
    if (i === spans.length - 1) return;
    const midWord = !isSpace(text[end - 1]) && !isSpace(text[end]);
    if (!midWord) return;
    // A cut inside a word is only allowed when that word alone is longer than the limit.
    let a = end;
    while (a > 0 && !isSpace(text[a - 1])) a--;
    let b = end;
    while (b < text.length && !isSpace(text[b])) b++;
    if (cp(text.slice(a, b)) <= limit) out.push(`chunk ${i} ${JSON.stringify(text.slice(start, end))} cuts the word ${JSON.stringify(text.slice(a, b))}, which fits in ${limit}`);
  });
  return out;
}

describe('splitText', () => {
  it('returns short text unchanged', () => {
    expect(splitText('Xin chào', 100)).toEqual(['Xin chào']);
    expect(splitText('Xin chào', 8)).toEqual(['Xin chào']);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('rejects a limit below one', () => {
    expect(() => splitText('abc', 0)).toThrow(RangeError);
    expect(() => splitText('abc', -5)).toThrow(RangeError);
  });

  it('prefers a paragraph break, then a line break, then a space', () => {
    expect(splitText('Đoạn một dài.\n\nĐoạn hai ngắn', 20)).toEqual(['Đoạn một dài.', 'Đoạn hai ngắn']);
    expect(splitText('Dòng thứ nhất\nDòng thứ hai nữa', 20)).toEqual(['Dòng thứ nhất', 'Dòng thứ hai nữa']);
    expect(splitText('một hai ba bốn năm sáu', 12)).toEqual(['một hai ba', 'bốn năm sáu']);
    expect(splitText('Dòng một hai\nba bốn năm sáu bảy', 18)).toEqual(['Dòng một hai', 'ba bốn năm sáu bảy']);
    expect(splitText('Một hai.\n\nBa bốn\nnăm sáu bảy', 18)).toEqual(['Một hai.', 'Ba bốn\nnăm sáu bảy']);
  });

  it('cuts a word only when it is longer than the limit', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('ab cdefghij', 4)).toEqual(['ab', 'cdef', 'ghij']);
  });

  it('does not cut a word that fits when a line break comes early in the window', () => {
    expect(splitText('a\nbbbb', 5)).toEqual(['a', 'bbbb']);
    expect(splitText('ab\nccccccc', 9)).toEqual(['ab', 'ccccccc']);
  });

  it('never produces a blank chunk from leading whitespace', () => {
    for (const text of ['    x', '\t\t\t\tx', '\n\n\n\nxin chào']) {
      const chunks = splitText(text, 2);
      for (const c of chunks) expect(c.trim(), JSON.stringify(chunks)).not.toBe('');
    }
  });

  it('counts code points, so astral characters are never split', () => {
    const chunks = splitText('😀'.repeat(10), 3);
    expect(chunks).toEqual(['😀😀😀', '😀😀😀', '😀😀😀', '😀']);
  });

  it('holds its invariants over random Vietnamese texts and limits', () => {
    const next = rng(20261126);
    const limits = [1, 2, 3, 4, 5, 7, 10, 16, 33, 64, 100, 257, 2000, 4096];
    const failures: string[] = [];
    for (let round = 0; round < 150; round++) {
      const text = randomText(next);
      for (const limit of limits) {
        const v = violations(text, limit);
        if (v.length > 0 && failures.length < 5) failures.push(`limit ${limit}, text ${JSON.stringify(text.slice(0, 120))}: ${v.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('never exceeds the limit and loses nothing, for texts without line breaks', () => {
    const next = rng(7);
    for (let round = 0; round < 60; round++) {
      const text = randomText(next).replace(/\s+/g, ' ');
      for (const limit of [1, 2, 3, 8, 20, 2000]) {
        const chunks = splitText(text, limit);
        for (const c of chunks) expect(cp(c)).toBeLessThanOrEqual(limit);
        expect(nonSpace(chunks.join(''))).toBe(nonSpace(text));
      }
    }
  });

  it('splits a 5,000-character text into chunks of at most 2,000', () => {
    const line = 'Đồng chí Nguyễn Văn An phát biểu về nghị quyết của Đảng ủy phường.';
    const text = Array.from({ length: 100 }, () => line).join('\n').slice(0, 5000);
    const chunks = splitText(text, 2000);
    expect(chunks.length).toBe(3);
    for (const c of chunks) {
      expect(cp(c)).toBeLessThanOrEqual(2000);
      expect(c.startsWith('Đồng chí')).toBe(true);
    }
    expect(nonSpace(chunks.join(''))).toBe(nonSpace(text));
  });
});

describe('fold', () => {
  it.each([
    ['Đảng', 'dang'],
    ['đảng viên', 'dang vien'],
    ['ĐOÀN KẾT', 'doan ket'],
    ['Hôm nay', 'hom nay'],
    ['Không', 'khong'],
    ['  Hủy   bỏ  ', 'huy bo'],
    ['Ưu tiên\nhàng đầu', 'uu tien hang dau'],
    ['Nguyễn Thị Bích Ngọc', 'nguyen thi bich ngoc'],
    ['ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ýỳỷỹỵ', 'aaaaa aaaaa eeeee ooooo ooooo uuuuu yyyyy'],
    ['ĂÂÊÔƠƯĐ', 'aaeooud'],
    ['Duyệt', 'duyet'],
    ['plain ascii 123', 'plain ascii 123'],
    ['', ''],
  ])('%j → %j', (input, want) => {
    expect(fold(input)).toBe(want);
  });

  it('folds NFC and NFD input the same way', () => {
    const s = 'Đồng chí Trần Thị Ngọc Ánh';
    expect(fold(s.normalize('NFD'))).toBe(fold(s.normalize('NFC')));
    expect(fold(s.normalize('NFD'))).toBe('dong chi tran thi ngoc anh');
  });

  it('leaves only ASCII for Vietnamese letters', () => {
    const all = 'aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ';
    expect(fold(all)).toMatch(/^[a-z]+$/);
    expect(fold(all.toUpperCase())).toBe(fold(all));
  });
});
