/**
 * Splits text into chunks of at most `limit` characters: at line breaks where possible,
 * then at spaces, and only mid-word when a single word is longer than the limit.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 1) throw new RangeError('limit must be positive');
  const chunks: string[] = [];
  let rest = text;
  while ([...rest].length > limit) {
    const cut = cutPoint(rest, limit);
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  chunks.push(rest);
  const nonEmpty = chunks.filter((c) => c.trim().length > 0);
  return nonEmpty.length > 0 ? nonEmpty : [''];
}

/** Index (in UTF-16 units) where to cut `text` so the head has at most `limit` code points. */
function cutPoint(text: string, limit: number): number {
  const head = [...text].slice(0, limit).join('');
  // Prefer a paragraph break in the last two thirds of the window, then a line break, then a space.
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = head.lastIndexOf(sep);
    if (at > head.length / 3) return at + sep.length;
  }
  // No break late in the window: take the last break anywhere, so no word is cut that would fit.
  const last = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\n'));
  return last > 0 ? last + 1 : head.length;
}

/** Lower-case, no diacritics, single spaces: how typed answers are compared with choices. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The five Vietnamese tone marks (the sixth tone has none), as combining characters. */
const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * A word's letters with its tone set apart, so the old and new placements of the mark ("Thủy" /
 * "Thuỷ", "Hòa" / "Hoà") are one spelling, while the letters themselves (ư ≠ u: "Hưng" ≠ "Hùng")
 * and the tone (Hùng ≠ Hưng ≠ Hung) still tell names apart.
 */
export function toneNeutral(word: string): string {
  const nfd = word.normalize('NFD');
  const tones = (nfd.match(TONES) ?? []).sort().join('');
  return `${nfd.replace(TONES, '').normalize('NFC')}${tones}`;
}
