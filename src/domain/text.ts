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
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks.filter((c, i) => c.length > 0 || i === 0);
}

/** Index (in UTF-16 units) where to cut `text` so the head has at most `limit` code points. */
function cutPoint(text: string, limit: number): number {
  const head = [...text].slice(0, limit).join('');
  // Prefer a paragraph break in the second half of the window, then a line break, then a space.
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = head.lastIndexOf(sep);
    if (at > head.length / 3) return at + sep.length;
  }
  const space = head.lastIndexOf(' ');
  return space > 0 ? space + 1 : head.length;
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
