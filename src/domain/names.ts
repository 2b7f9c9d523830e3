/** Rules for what people type as names; returns a normalised value or an error code. */

const NAME_MAX = 80;
const CELL_NAME_MAX = 120;

/** A citizen ID (CCCD) is 12 digits, the old ID card 9: never accept such a run of digits. */
export function containsIdNumber(text: string): boolean {
  return /(^|\D)(\d[\s.-]?){8}\d((\s|[.-])?\d){0,3}(\D|$)/.test(text);
}

export type NameCheck = { ok: true; value: string } | { ok: false; code: 'MEMBER.NAME_INVALID' | 'MEMBER.ID_NUMBER' };

/** Họ và tên: letters (any script, with diacritics), spaces, and a few marks; at least two words. */
export function checkFullName(input: string): NameCheck {
  const value = input.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (containsIdNumber(value)) return { ok: false, code: 'MEMBER.ID_NUMBER' };
  if (value.length < 3 || value.length > NAME_MAX) return { ok: false, code: 'MEMBER.NAME_INVALID' };
  if (!/^[\p{L}][\p{L}\p{M} .'-]*$/u.test(value)) return { ok: false, code: 'MEMBER.NAME_INVALID' };
  if (value.split(' ').length < 2) return { ok: false, code: 'MEMBER.NAME_INVALID' };
  return { ok: true, value: titleCase(value) };
}

/** "nguyễn văn an" → "Nguyễn Văn An"; keeps what the person capitalised themselves. */
function titleCase(value: string): string {
  return value
    .split(' ')
    .map((w) => (w.length > 0 ? (w[0] as string).toLocaleUpperCase('vi') + w.slice(1) : w))
    .join(' ');
}

export type CellNameCheck = { ok: true; value: string } | { ok: false; code: 'CELL.NAME_INVALID' | 'MEMBER.ID_NUMBER' };

export function checkCellName(input: string): CellNameCheck {
  const value = input.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (containsIdNumber(value)) return { ok: false, code: 'MEMBER.ID_NUMBER' };
  if (value.length < 2 || value.length > CELL_NAME_MAX || value.startsWith('/')) return { ok: false, code: 'CELL.NAME_INVALID' };
  return { ok: true, value };
}
