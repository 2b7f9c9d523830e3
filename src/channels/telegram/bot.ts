import { Telegraf } from 'telegraf';
import type { BotCommand, Update } from 'telegraf/types';
import type { Translator } from '../../conversation/i18n.js';
import type { Logger } from '../../logger.js';
import type { InboundDispatcher } from '../dispatch.js';
import { toInbound } from './inbound.js';

/** Commands shown in Telegram's menu; all of them can also be typed on any channel. */
const memberCommands = ['start', 'trogiup', 'thanhvien', 'chibo', 'lienketkenh', 'kenh', 'ngonngu', 'huy'] as const;
const leaderCommands = ['moi', 'lienket'] as const;

export function createTelegraf(token: string, apiRoot: string): Telegraf {
  return new Telegraf(token, { telegram: { apiRoot, webhookReply: false }, handlerTimeout: 60_000 });
}

/**
 * Wires Telegram updates to the core: every update becomes an Inbound, every callback query is
 * answered, and errors never escape to Telegraf's default handler (which would rethrow).
 */
export function wireTelegram(bot: Telegraf, dispatcher: () => InboundDispatcher, log: Logger): void {
  bot.use(async (ctx) => {
    const inbound = toInbound(ctx.update as Update, ctx.botInfo.id);
    const query = 'callback_query' in ctx.update ? ctx.update.callback_query : null;
    if (!inbound) {
      if (query) await ctx.answerCbQuery().catch(() => undefined);
      return;
    }
    const originRef = query?.message ? String(query.message.message_id) : null;
    const { toast } = await dispatcher().handle(inbound, originRef);
    if (query) await ctx.answerCbQuery(toast ?? undefined).catch((err: unknown) => log.warn({ err: String(err) }, 'answerCbQuery failed'));
  });
  bot.catch((err, ctx) => {
    log.error({ err, updateId: ctx.update.update_id }, 'telegram update failed');
  });
}

/** Sets the command menus per scope and language; failure is logged, never fatal. */
export async function setCommandMenus(bot: Telegraf, translator: Translator, secretaryChatIds: string[], log: Logger): Promise<void> {
  const menu = (names: readonly string[], locale: 'vi' | 'en'): BotCommand[] => names.map((command) => ({ command, description: translator.for(locale)(`commandMenu.${command}`) }));
  try {
    for (const locale of ['vi', 'en'] as const) {
      const language_code = locale === 'vi' ? undefined : locale;
      const extra = language_code ? { language_code } : {};
      await bot.telegram.setMyCommands(menu(memberCommands, locale), { scope: { type: 'all_private_chats' }, ...extra });
      for (const chatId of secretaryChatIds) {
        await bot.telegram.setMyCommands(menu([...memberCommands, ...leaderCommands], locale), { scope: { type: 'chat', chat_id: Number(chatId) }, ...extra });
      }
    }
  } catch (err) {
    log.warn({ err: String(err) }, 'setMyCommands failed; the bot works without menus');
  }
}
