import { Telegraf } from 'telegraf';
import type { BotCommand, Update } from 'telegraf/types';
import type { Translator } from '../../conversation/i18n.js';
import type { Logger } from '../../logger.js';
import type { InboundDispatcher } from '../dispatch.js';
import { toInbound } from './inbound.js';

/** Commands shown in Telegram's menu; all of them can also be typed on any channel. */
const memberCommands = ['start', 'trogiup', 'thanhvien', 'chibo', 'caidat', 'lienketkenh', 'kenh', 'ngonngu', 'lichhop', 'diemdanh', 'gopy', 'duthao', 'tukiemdiem', 'congviec', 'camket', 'dangphi', 'huy'] as const;
const leaderCommands = ['taohop', 'moi', 'nhapdanhsach', 'giaymoi', 'xuatdanhsach', 'lienket', 'nhatky', 'phancong', 'danhgiathang', 'nhanxet', 'tongket'] as const;

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

type MenuApi = Pick<Telegraf['telegram'], 'setMyCommands' | 'deleteMyCommands'>;

/**
 * Keeps the command menus right: member commands for every private chat, the leaders' extra
 * commands only in the private chats of secretaries and deputies, in vi and en. Failures are
 * logged and retried on the next sync, never fatal.
 */
export class MenuSync {
  private leaders = new Set<string>();
  private baseSet = false;

  constructor(
    private readonly api: MenuApi,
    private readonly translator: Translator,
    private readonly log: Logger,
  ) {}

  private menu(names: readonly string[], locale: 'vi' | 'en'): BotCommand[] {
    return names.map((command) => ({ command, description: this.translator.for(locale)(`commandMenu.${command}`) }));
  }

  async sync(leaderChatIds: string[]): Promise<void> {
    try {
      if (!this.baseSet) {
        for (const locale of ['vi', 'en'] as const) {
          await this.api.setMyCommands(this.menu(memberCommands, locale), { scope: { type: 'all_private_chats' }, ...(locale === 'en' ? { language_code: 'en' } : {}) });
        }
        this.baseSet = true;
      }
      const wanted = new Set(leaderChatIds);
      for (const chatId of wanted) {
        if (this.leaders.has(chatId)) continue;
        for (const locale of ['vi', 'en'] as const) {
          await this.api.setMyCommands(this.menu([...memberCommands, ...leaderCommands], locale), { scope: { type: 'chat', chat_id: Number(chatId) }, ...(locale === 'en' ? { language_code: 'en' } : {}) });
        }
        this.leaders.add(chatId);
      }
      for (const chatId of [...this.leaders].filter((c) => !wanted.has(c))) {
        for (const locale of ['vi', 'en'] as const) {
          await this.api.deleteMyCommands({ scope: { type: 'chat', chat_id: Number(chatId) }, ...(locale === 'en' ? { language_code: 'en' } : {}) });
        }
        this.leaders.delete(chatId);
      }
    } catch (err) {
      this.log.warn({ err: String(err) }, 'setMyCommands failed; the bot works without menus');
    }
  }
}

/** Files people send are fetched only when a dialogue asked for one; Telegram serves bots files of up to 20 MB. */
export async function downloadTelegramFile(telegram: Telegraf['telegram'], fileId: string): Promise<Buffer> {
  const link = await telegram.getFileLink(fileId);
  const res = await fetch(link, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`file download failed: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
