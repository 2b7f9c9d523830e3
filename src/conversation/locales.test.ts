import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const localesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../locales');

type Flat = Map<string, unknown>;

function flatten(value: unknown, prefix = '', out: Flat = new Map()): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

const placeholders = (s: string): string[] =>
  [...new Set([...s.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]!))].sort();

const files = readdirSync(localesDir).filter((f) => f.endsWith('.json')).sort();
const locales = new Map<string, Flat>(
  files.map((f) => [
    basename(f, '.json'),
    flatten(JSON.parse(readFileSync(resolve(localesDir, f), 'utf8')) as unknown),
  ]),
);
const names = [...locales.keys()];

describe('locale files', () => {
  it('include vi and en', () => {
    expect(names).toEqual(expect.arrayContaining(['vi', 'en']));
  });

  for (const a of names) {
    for (const b of names) {
      if (a === b) continue;
      it(`${a} has every key of ${b}`, () => {
        const missing = [...locales.get(b)!.keys()].filter((k) => !locales.get(a)!.has(k));
        expect(missing).toEqual([]);
      });
    }
  }

  for (const name of names) {
    it(`${name} has only non-empty string values`, () => {
      const bad = [...locales.get(name)!].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      expect(bad).toEqual([]);
    });
  }

  it('uses the same {{placeholders}} for the same key in every locale', () => {
    const mismatches: string[] = [];
    const [first, ...rest] = names;
    for (const [key, value] of locales.get(first!)!) {
      const expected = placeholders(String(value));
      for (const other of rest) {
        const v = locales.get(other)!.get(key);
        if (typeof v !== 'string') continue; // reported by the key test
        const got = placeholders(v);
        if (got.join(',') !== expected.join(',')) {
          mismatches.push(`${key}: ${first}=[${expected.join(',')}] ${other}=[${got.join(',')}]`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps Vietnamese diacritics in vi.json', () => {
    const vi = locales.get('vi')!;
    expect(vi.get('roles.secretary')).toBe('Bí thư');
    expect(vi.get('roles.deputy')).toBe('Phó Bí thư');
    expect(vi.get('roles.committee')).toBe('Chi ủy viên');
    expect(vi.get('common.cancel')).toBe('Hủy');
    const diacritic = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;
    for (const key of ['common.cancelled', 'errors.INTERNAL', 'menu.createCell', 'members.saved', 'settings.languageSet']) {
      expect(vi.get(key), key).toMatch(diacritic);
    }
  });

  it('says so in English when switching to English', () => {
    expect(locales.get('en')!.get('settings.languageSet')).toBe('Switched to English.');
  });
});
