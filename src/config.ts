import { z } from 'zod';

const list = z
  .string()
  .default('')
  .transform((s) => s.split(/[\s,]+/).filter((x) => x.length > 0));

const optionalText = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const optionalUrl = optionalText.pipe(z.url({ protocol: /^https?$/, message: 'an http(s) URL' }).optional());

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'an IANA time zone such as Asia/Ho_Chi_Minh' },
);

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    BOT_TOKEN: optionalText.pipe(z.string().regex(/^\d+:[\w-]{4,}$/, 'a Telegram token like 123456:ABC… from @BotFather').optional()),
    TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
    ZALO_BOT_TOKEN: optionalText.pipe(z.string().regex(/^\d+:\S{6,}$/, 'a Zalo Bot token like 1234567890:secret… from Zalo Bot Creator').optional()),
    ZALO_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://bot-api.zaloplatforms.com'),
    ZALO_WEBHOOK_SECRET: optionalText.pipe(z.string().min(8).max(256).optional()),
    ZALO_MONTHLY_QUOTA: z.coerce.number().int().positive().default(3000),
    DATABASE_PATH: z.string().min(1).default('./data/chibo.db'),
    BOT_ADMIN_IDS: list.pipe(z.array(z.string().regex(/^\d+$/, 'Telegram user ids (numbers), comma separated'))),
    ZALO_ADMIN_IDS: list,
    DEFAULT_TIMEZONE: timezone.default('Asia/Ho_Chi_Minh'),
    DEFAULT_LOCALE: z.enum(['vi', 'en']).default('vi'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: optionalText.pipe(z.enum(['true', 'false']).optional()),
    WEBHOOK_URL: optionalUrl,
    WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    WEBHOOK_SECRET: optionalText.pipe(
      z.string().regex(/^[A-Za-z0-9_-]{8,256}$/, '8–256 characters of A-Z, a-z, 0-9, _ and -').optional(),
    ),
    PUBLIC_BASE_URL: optionalUrl,
    HTTP_HOST: z.string().default('0.0.0.0'),
    BACKUP_KEEP: z.coerce.number().int().min(0).default(7),
    INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    /** Secret for signed file links; derived from the tokens when unset. */
    LINK_SECRET: optionalText,
    /** Keys the anonymous-feedback counters, tickets and drafts; derived from the bot tokens when unset. */
    FEEDBACK_SECRET: optionalText.pipe(z.string().min(16, 'a random secret of at least 16 characters (openssl rand -hex 32)').optional()),
    /** Self-criticism encryption keys "id:base64key,…" (32-byte keys); the first encrypts. A development key when unset. */
    SELF_REVIEW_KEYS: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/]{43}=)*$/, 'comma-separated id:key pairs, each key 32 bytes in base64 (openssl rand -base64 32)')
        .refine((s) => {
          const ids = s.split(',').map((p) => p.split(':')[0]);
          return new Set(ids).size === ids.length && !ids.includes('dev');
        }, 'id:key pairs with unique ids other than "dev"')
        .optional(),
    ),
  })
  .superRefine((c, ctx) => {
    if (!c.BOT_TOKEN && !c.ZALO_BOT_TOKEN)
      ctx.addIssue({ code: 'custom', path: ['BOT_TOKEN'], message: 'is required: set BOT_TOKEN (Telegram) or ZALO_BOT_TOKEN (Zalo)' });
    if (c.WEBHOOK_URL && c.BOT_TOKEN && !c.WEBHOOK_SECRET)
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when WEBHOOK_URL is set' });
    if (c.WEBHOOK_URL && c.ZALO_BOT_TOKEN && !c.ZALO_WEBHOOK_SECRET)
      ctx.addIssue({ code: 'custom', path: ['ZALO_WEBHOOK_SECRET'], message: 'is required when WEBHOOK_URL is set and Zalo is on' });
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; the error names the first wrong variable and what it expects. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  const value = env[name];
  const what = issue?.message ?? 'a valid value';
  throw new ConfigError(
    value === undefined || value === '' ? `${name} ${what.startsWith('is ') ? what : `is missing: expected ${what}`}` : `${name} is invalid: expected ${what}`,
  );
}
