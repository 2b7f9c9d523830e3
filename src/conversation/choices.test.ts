import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorld, type TestWorld } from '../services/testing.js';
import { ChoiceBook } from './choices.js';

describe('ChoiceBook: typed answers map back to actions', () => {
  let w: TestWorld;
  let book: ChoiceBook;
  beforeEach(() => {
    w = openWorld();
    book = new ChoiceBook(w.repos.conversations, w.clock);
  });
  afterEach(() => w.close());

  const msg = (...labels: string[]) => ({ text: 'x', choices: labels.map((l, i) => [{ label: l, action: `a:${l}:${i}` }]) });

  it('numbers a reply from 1 and matches numbers, labels without diacritics, and "2."', () => {
    const rows = book.number('zalo', 'c', msg('Duyệt', 'Từ chối'), 'replace');
    expect(rows.flat().map((c) => c.n)).toEqual([1, 2]);
    expect(book.match('zalo', 'c', '1')).toBe('a:Duyệt:0');
    expect(book.match('zalo', 'c', 'tu choi')).toBe('a:Từ chối:1');
    expect(book.match('zalo', 'c', '2.')).toBe('a:Từ chối:1');
    expect(book.match('zalo', 'c', '3')).toBeNull();
  });

  it('never reuses a notice card\'s numbers for a later reply within a day', () => {
    book.number('zalo', 'c', msg('Duyệt', 'Từ chối'), 'notice');
    const reply = book.number('zalo', 'c', msg('Trợ giúp'), 'replace');
    expect(reply.flat()[0]?.n).toBe(3);
    expect(book.match('zalo', 'c', '1')).toBe('a:Duyệt:0');
    w.clock.advance(25 * 3_600_000);
    const later = book.number('zalo', 'c', msg('Trợ giúp'), 'replace');
    expect(later.flat()[0]?.n).toBe(1);
    expect(book.match('zalo', 'c', '1')).toBe('a:Trợ giúp:0');
  });

  it('inside a dialogue matches only the dialogue\'s own choices', () => {
    book.number('zalo', 'c', msg('Duyệt', 'Từ chối'), 'notice');
    book.number('zalo', 'c', msg('Hủy'), 'replace');
    expect(book.match('zalo', 'c', '1', { notices: false })).toBeNull();
    expect(book.match('zalo', 'c', '3', { notices: false })).toBe('a:Hủy:0');
    expect(book.match('zalo', 'c', '1')).toBe('a:Duyệt:0');
  });

  it('keeps choices per chat and per channel', () => {
    book.number('zalo', 'c', msg('A'), 'replace');
    expect(book.match('telegram', 'c', '1')).toBeNull();
    expect(book.match('zalo', 'other', '1')).toBeNull();
  });
});
