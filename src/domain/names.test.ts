import { describe, expect, it } from 'vitest';
import { checkCellName, checkFullName, containsIdNumber } from './names.js';

describe('checkFullName', () => {
  it.each([
    ['nguyễn văn an', 'Nguyễn Văn An'],
    ['trần thị bích ngọc', 'Trần Thị Bích Ngọc'],
    ['đặng thị đào', 'Đặng Thị Đào'],
    ['ưng hoàng phúc', 'Ưng Hoàng Phúc'],
    ['  lê   văn  tám  ', 'Lê Văn Tám'],
    ['Lê\tVăn\nTám', 'Lê Văn Tám'],
    ['Nguyễn Văn An', 'Nguyễn Văn An'],
    ['nguyễn THỊ mai', 'Nguyễn THỊ Mai'],
    ["o'neil smith", "O'neil Smith"],
    ['lê-trần minh', 'Lê-trần Minh'],
    ['Ân Tư', 'Ân Tư'],
  ])('%j → %j', (input, want) => {
    expect(checkFullName(input)).toEqual({ ok: true, value: want });
  });

  it('normalises NFD input to NFC', () => {
    const nfd = 'nguyễn văn an'.normalize('NFD');
    expect(nfd).not.toBe('nguyễn văn an'.normalize('NFC'));
    const r = checkFullName(nfd);
    expect(r).toEqual({ ok: true, value: 'Nguyễn Văn An'.normalize('NFC') });
    if (r.ok) {
      expect(r.value.normalize('NFC')).toBe(r.value);
      expect(r.value).toHaveLength('Nguyễn Văn An'.normalize('NFC').length);
    }
  });

  it.each([
    ['single word', 'Nguyễn'],
    ['single short word', 'An'],
    ['empty', ''],
    ['blank', '   '],
    ['one letter', 'A'],
    ['digits', 'Nguyễn Văn 2'],
    ['digit in a word', 'Ngu5ễn Văn An'],
    ['short number', 'Lê Văn 123'],
    ['command', '/start abc'],
    ['starts with a mark', '-Nguyễn Văn'],
    ['starts with a quote', "'Nguyễn Văn"],
    ['emoji', 'Nguyễn Văn 😀'],
    ['punctuation', 'Nguyễn, Văn An'],
    ['at sign', '@nguyen van'],
  ])('rejects %s', (_name, input) => {
    expect(checkFullName(input)).toEqual({ ok: false, code: 'MEMBER.NAME_INVALID' });
  });

  it.each([
    ['12-digit CCCD', 'Nguyễn Văn An 001234567890'],
    ['12-digit CCCD alone', '001234567890'],
    ['12-digit CCCD with spaces', 'Nguyễn Văn An 001 234 567 890'],
    ['12-digit CCCD in fours', 'Nguyễn Văn An 0012 3456 7890'],
    ['12-digit CCCD with dots', 'Nguyễn Văn An 001.234.567.890'],
    ['12-digit CCCD with dashes', 'Nguyễn Văn An 001-234-567-890'],
    ['9-digit CMND', 'Nguyễn Văn An 123456789'],
    ['9-digit CMND with spaces', 'Nguyễn Văn An 123 456 789'],
    ['9-digit CMND with dots', 'Nguyễn Văn An 123.456.789'],
    ['CCCD glued to text', 'Nguyễn Văn An CCCD001234567890'],
  ])('reports an ID number: %s', (_name, input) => {
    expect(checkFullName(input)).toEqual({ ok: false, code: 'MEMBER.ID_NUMBER' });
  });

  it('accepts 80 characters and rejects 81', () => {
    const at80 = `Nguyễn ${'a'.repeat(80 - 'Nguyễn '.length)}`;
    expect(at80).toHaveLength(80);
    expect(checkFullName(at80)).toEqual({ ok: true, value: `Nguyễn A${'a'.repeat(80 - 'Nguyễn '.length - 1)}` });
    expect(checkFullName(`${at80}a`)).toEqual({ ok: false, code: 'MEMBER.NAME_INVALID' });
  });

  it('measures the length after collapsing spaces', () => {
    const spaced = `Nguyễn      ${'a'.repeat(73)}`;
    expect(spaced.length).toBeGreaterThan(80);
    expect(checkFullName(spaced).ok).toBe(true);
  });

  it('rejects a 5,000-character input quickly', () => {
    const inputs = ['a'.repeat(5000), 'nguyễn văn '.repeat(455).slice(0, 5000), `${'1 '.repeat(2500)}`, `${'12.'.repeat(1666)}ab`];
    for (const input of inputs) {
      expect(input.length).toBeGreaterThanOrEqual(5000);
      const started = performance.now();
      const r = checkFullName(input);
      expect(r.ok).toBe(false);
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(checkFullName('nguyễn văn '.repeat(455).slice(0, 5000))).toEqual({ ok: false, code: 'MEMBER.NAME_INVALID' });
  });
});

describe('containsIdNumber', () => {
  it.each([
    'Chi bộ 5',
    '2026',
    'Chi bộ khóa 2026',
    'Chi bộ 12/2026',
    'Chi bộ số 5 năm 2026',
    'Tổ 3, khu phố 12, phường 7',
    '12345678',
    '1234 5678',
    '26.11.2026',
    'Nguyễn Văn An',
    '',
  ])('does not flag %j', (text) => {
    expect(containsIdNumber(text)).toBe(false);
  });

  it.each(['123456789', '001234567890', '001 234 567 890', '001.234.567.890', '123.456.789', '123 456 789', 'số 123456789.', 'x001234567890y'])('flags %j', (text) => {
    expect(containsIdNumber(text)).toBe(true);
  });
});

describe('checkCellName', () => {
  it.each([
    ['Chi bộ 5', 'Chi bộ 5'],
    ['  Chi bộ   Khu phố 3  ', 'Chi bộ Khu phố 3'],
    ['Chi bộ năm 2026', 'Chi bộ năm 2026'],
    ['C5', 'C5'],
    ['chi bộ trường THPT Lê Lợi', 'chi bộ trường THPT Lê Lợi'],
  ])('%j → %j', (input, want) => {
    expect(checkCellName(input)).toEqual({ ok: true, value: want });
  });

  it('normalises NFD to NFC', () => {
    const r = checkCellName('Chi bộ Phường Bến Nghé'.normalize('NFD'));
    expect(r).toEqual({ ok: true, value: 'Chi bộ Phường Bến Nghé'.normalize('NFC') });
  });

  it('accepts 120 characters and rejects 121', () => {
    const at120 = `Chi bộ ${'x'.repeat(113)}`;
    expect(at120).toHaveLength(120);
    expect(checkCellName(at120)).toEqual({ ok: true, value: at120 });
    expect(checkCellName(`${at120}x`)).toEqual({ ok: false, code: 'CELL.NAME_INVALID' });
    expect(checkCellName('x'.repeat(5000))).toEqual({ ok: false, code: 'CELL.NAME_INVALID' });
  });

  it.each([
    ['empty', ''],
    ['blank', '    '],
    ['one character', 'A'],
    ['a command', '/start'],
    ['a command with text', '/cancel Chi bộ'],
  ])('rejects %s', (_name, input) => {
    expect(checkCellName(input)).toEqual({ ok: false, code: 'CELL.NAME_INVALID' });
  });

  it('reports an ID number', () => {
    expect(checkCellName('Chi bộ 001234567890')).toEqual({ ok: false, code: 'MEMBER.ID_NUMBER' });
    expect(checkCellName('Chi bộ 123.456.789')).toEqual({ ok: false, code: 'MEMBER.ID_NUMBER' });
  });
});
