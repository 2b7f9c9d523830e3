import { createHash } from 'node:crypto';
import cron from 'node-cron';
import { InboundDispatcher } from './channels/dispatch.js';
import { createTelegraf, downloadTelegramFile, MenuSync, wireTelegram } from './channels/telegram/bot.js';
import { TelegramTransport } from './channels/telegram/transport.js';
import type { Transport } from './channels/types.js';
import { zaloCapabilities } from './channels/zalo/capabilities.js';
import { ZaloClient } from './channels/zalo/client.js';
import { toInbound as zaloInbound, unwrap } from './channels/zalo/inbound.js';
import { ZaloPoller } from './channels/zalo/poller.js';
import { ZaloTransport } from './channels/zalo/transport.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { ChoiceBook } from './conversation/choices.js';
import type { ChannelInfo, CoreDeps } from './conversation/context.js';
import { commandAliases } from './conversation/features/basics.js';
import { buildModules } from './modules.js';
import { Translator } from './conversation/i18n.js';
import { Router } from './conversation/router.js';
import { FileLinks } from './http/files.js';
import { HttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import { QuotaGuard } from './outbox/quota.js';
import { OutboxSender } from './outbox/sender.js';
import { tick } from './scheduler/tick.js';
import { Access } from './services/access.js';
import { CellService } from './services/cells.js';
import { createRepos, type Repos, type ServiceDeps } from './services/context.js';
import { IdentityService } from './services/identity.js';
import { InviteService } from './services/invites.js';
import { MemberService } from './services/members.js';
import { Notifier, type ChannelRouting } from './services/notifier.js';
import { SettingsService } from './services/settings.js';
import { openStore, type Store } from './store/db.js';
import type { ChannelName } from './store/repos/people.js';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
export const ZALO_WEBHOOK_PATH = '/zalo/webhook';

/** Everything the bot is made of, built from config: the composition root's product. */
export interface App {
  store: Store;
  repos: Repos;
  core: CoreDeps;
  router: Router;
  senders: Partial<Record<ChannelName, OutboxSender>>;
  start(): Promise<void>;
  stop(): Promise<void>;
  runJobs(at: number, opts?: { dryRun?: boolean }): Promise<{ sent: number; backup: string | null; jobs: string[] }>;
}

export function buildServices(store: Store, config: Config, clock: Clock, routing: Partial<Record<ChannelName, ChannelRouting>>) {
  const repos = createRepos(store);
  const translator = new Translator(config.DEFAULT_LOCALE);
  const deps: ServiceDeps = {
    store,
    repos,
    clock,
    translator,
    settings: { defaultTimezone: config.DEFAULT_TIMEZONE, defaultLocale: config.DEFAULT_LOCALE, inviteTtlDays: config.INVITE_TTL_DAYS },
  };
  const access = new Access(repos);
  const services = {
    access,
    cells: new CellService(deps, access),
    members: new MemberService(deps, access),
    invites: new InviteService(deps, access),
    identity: new IdentityService(deps, { telegram: config.BOT_ADMIN_IDS, zalo: config.ZALO_ADMIN_IDS }),
    notifier: new Notifier(repos, translator, clock, routing),
    settings: new SettingsService(deps, access),
  };
  return { repos, translator, services, deps };
}

export async function createApp(config: Config, log: Logger, clock: Clock = systemClock): Promise<App> {
  const store = openStore(config.DATABASE_PATH);
  const telegramOn = Boolean(config.BOT_TOKEN);
  const zaloOn = Boolean(config.ZALO_BOT_TOKEN);
  const routing: Partial<Record<ChannelName, ChannelRouting>> = {};
  if (telegramOn) routing.telegram = { groups: true };
  if (zaloOn) routing.zalo = { groups: false };
  const { repos, translator, services, deps: serviceDeps } = buildServices(store, config, clock, routing);
  const secret = config.LINK_SECRET ?? createHash('sha256').update(`${config.BOT_TOKEN ?? ''}|${config.ZALO_BOT_TOKEN ?? ''}|files`).digest('hex');
  const files = new FileLinks(store.db, secret, config.PUBLIC_BASE_URL ?? null, clock);
  const channels: ChannelInfo = { telegramUsername: null, zaloName: null, publicBaseUrl: config.PUBLIC_BASE_URL ?? null };
  const core: CoreDeps = { services, repos, clock, translator, channels, links: files, downloads: {} };
  const choices = new ChoiceBook(repos.conversations, clock);
  const modules = buildModules({ store, config, clock, log, core, serviceDeps });
  const router = new Router(core, choices, log, modules.features, commandAliases);
  const http = new HttpServer(files, log);
  const senders: Partial<Record<ChannelName, OutboxSender>> = {};
  const starters: (() => Promise<void>)[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  const webhookMode = Boolean(config.WEBHOOK_URL);

  const makeSender = (transport: Transport, quota: QuotaGuard | null) => {
    const sender = new OutboxSender(transport, repos.outbox, repos.people, choices, translator, clock, log.child({ channel: transport.channel }), quota);
    senders[transport.channel] = sender;
    channels.canDelete = { ...channels.canDelete, [transport.channel]: transport.capabilities.deletes === true };
    channels.receivesDocuments = { ...channels.receivesDocuments, [transport.channel]: transport.capabilities.receivesDocuments };
    return new InboundDispatcher(router, transport, repos.outbox, clock, log, () => sender.wake(), quota, sender.pacer);
  };

  if (config.BOT_TOKEN) {
    const bot = createTelegraf(config.BOT_TOKEN, config.TELEGRAM_API_ROOT);
    const dispatcher = makeSender(new TelegramTransport(bot.telegram, translator, files), null);
    wireTelegram(bot, () => dispatcher, log.child({ channel: 'telegram' }));
    core.downloads.telegram = (ref) => downloadTelegramFile(bot.telegram, ref);
    starters.push(async () => {
      bot.botInfo = await bot.telegram.getMe();
      channels.telegramUsername = bot.botInfo.username;
      const menus = new MenuSync(bot.telegram, translator, log);
      const leaderChats = () =>
        repos.cells
          .list()
          .flatMap((c) => repos.members.withRoles(c.id, ['secretary', 'deputy']))
          .flatMap((m) => repos.people.accountsOf(m.personId).filter((a) => a.channel === 'telegram').map((a) => a.externalId));
      void menus.sync(leaderChats());
      // Roles change in conversations; the menus follow within a minute, without a restart.
      const menuTimer = setInterval(() => void menus.sync(leaderChats()), 60_000);
      menuTimer.unref();
      stoppers.push(async () => clearInterval(menuTimer));
      if (webhookMode && config.WEBHOOK_SECRET) {
        const secretToken = config.WEBHOOK_SECRET;
        http.addWebhook(TELEGRAM_WEBHOOK_PATH, 'x-telegram-bot-api-secret-token', secretToken, (body) => bot.handleUpdate(body as Parameters<typeof bot.handleUpdate>[0]));
        await bot.telegram.setWebhook(`${config.WEBHOOK_URL?.replace(/\/$/, '')}${TELEGRAM_WEBHOOK_PATH}`, { secret_token: secretToken, allowed_updates: ['message', 'callback_query', 'my_chat_member'] });
      } else {
        void bot.launch({ allowedUpdates: ['message', 'callback_query', 'my_chat_member'] }).catch((err: unknown) => log.error({ err }, 'telegram polling stopped'));
      }
      log.info({ channel: 'telegram', username: bot.botInfo.username, mode: webhookMode ? 'webhook' : 'polling' }, 'channel started');
    });
    stoppers.push(async () => {
      if (!webhookMode) bot.stop('shutdown');
    });
  }

  if (config.ZALO_BOT_TOKEN) {
    const client = new ZaloClient(config.ZALO_BOT_TOKEN, config.ZALO_API_ROOT);
    const caps = zaloCapabilities(config.ZALO_MONTHLY_QUOTA);
    const quota = new QuotaGuard('zalo', config.ZALO_MONTHLY_QUOTA, repos.outbox, repos.cells, repos.members, () => services.notifier, clock, config.DEFAULT_TIMEZONE, log);
    const dispatcher = makeSender(new ZaloTransport(client, caps, translator, files), quota);
    let botId: string | null = null;
    const handle = async (body: unknown) => {
      const update = unwrap(body);
      const inbound = update ? zaloInbound(update, botId) : null;
      if (inbound) await dispatcher.handle(inbound);
    };
    const poller = new ZaloPoller(client, handle, log.child({ channel: 'zalo' }));
    starters.push(async () => {
      const me = await client.getMe();
      botId = String(me.id);
      channels.zaloName = me.display_name ?? me.account_name ?? 'Zalo bot';
      if (webhookMode && config.ZALO_WEBHOOK_SECRET) {
        http.addWebhook(ZALO_WEBHOOK_PATH, 'x-bot-api-secret-token', config.ZALO_WEBHOOK_SECRET, handle);
        await client.call('setWebhook', { url: `${config.WEBHOOK_URL?.replace(/\/$/, '')}${ZALO_WEBHOOK_PATH}`, secret_token: config.ZALO_WEBHOOK_SECRET });
      } else {
        await client.call('deleteWebhook').catch(() => undefined);
        poller.start();
      }
      log.info({ channel: 'zalo', mode: webhookMode ? 'webhook' : 'polling' }, 'channel started');
    });
    stoppers.push(() => poller.stop());
  }

  const tickDeps = { store, repos, files, log, jobs: modules.jobs, databasePath: config.DATABASE_PATH, backupKeep: config.BACKUP_KEEP, timezone: config.DEFAULT_TIMEZONE };
  let task: ReturnType<typeof cron.schedule> | null = null;

  return {
    store,
    repos,
    core,
    router,
    senders,
    async start() {
      await Promise.all(starters.map((s) => s()));
      if (webhookMode || config.PUBLIC_BASE_URL) await http.listen(config.WEBHOOK_PORT, config.HTTP_HOST);
      for (const s of Object.values(senders)) s.start();
      task = cron.schedule('* * * * *', () => void tick(tickDeps, clock.now()).catch((err: unknown) => log.error({ err }, 'tick failed')), { timezone: config.DEFAULT_TIMEZONE });
    },
    async stop() {
      await task?.stop();
      for (const s of stoppers) await s().catch((err: unknown) => log.warn({ err: String(err) }, 'channel stop failed'));
      await http.close();
      await Promise.all(Object.values(senders).map((s) => s.stop()));
      store.close();
    },
    async runJobs(at, opts = {}) {
      const report = await tick(tickDeps, at, opts);
      let sent = 0;
      if (opts.dryRun) return { sent, ...report };
      // Drain, and wait for retries due soon (a 429's retry_after, a 5xx backoff) so a one-off run leaves nothing stranded.
      for (const [channel, s] of Object.entries(senders) as [ChannelName, OutboxSender][]) {
        sent += await s.drain();
        for (let next = repos.outbox.nextDueAt(channel); next !== null && next - clock.now() <= 30_000; next = repos.outbox.nextDueAt(channel)) {
          await new Promise((r) => setTimeout(r, Math.max(20, next - clock.now())));
          const more = await s.drain();
          sent += more;
          if (more === 0 && next <= clock.now() - 5_000) break;
        }
      }
      return { sent, ...report };
    },
  };
}
