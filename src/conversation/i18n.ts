import i18next, { type i18n } from 'i18next';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const locales = ['vi', 'en'] as const;
export type Locale = (typeof locales)[number];
export type TParams = Record<string, string | number>;
export type Translate = (key: string, params?: TParams) => string;

const localesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../locales');

export function loadLocaleFile(locale: Locale): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(localesDir, `${locale}.json`), 'utf8')) as Record<string, unknown>;
}

/**
 * The translator works without a chat context, so cron jobs and the CLI render messages too.
 * Missing keys fall back to Vietnamese; a test keeps both files complete.
 */
export class Translator {
  private readonly i18n: i18n;

  constructor(readonly defaultLocale: Locale) {
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initImmediate: false,
      lng: defaultLocale,
      fallbackLng: 'vi',
      resources: Object.fromEntries(locales.map((l) => [l, { translation: loadLocaleFile(l) }])),
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    });
  }

  for(locale: Locale | null | undefined): Translate {
    const t = this.i18n.getFixedT(locale ?? this.defaultLocale);
    return (key, params) => t(key, params ?? {});
  }
}

export const isLocale = (s: unknown): s is Locale => typeof s === 'string' && (locales as readonly string[]).includes(s);
