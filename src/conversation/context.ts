import type { Clock } from '../clock.js';
import type { Access } from '../services/access.js';
import type { CellService } from '../services/cells.js';
import type { Caller, Repos } from '../services/context.js';
import type { IdentityService } from '../services/identity.js';
import type { InviteService } from '../services/invites.js';
import type { MemberService } from '../services/members.js';
import type { Notifier } from '../services/notifier.js';
import type { SettingsService } from '../services/settings.js';
import type { ConversationRow } from '../store/repos/conversations.js';
import type { Locale, Translate, Translator } from './i18n.js';
import type { Inbound } from './inbound.js';
import type { OutMessage } from './message.js';

export interface Services {
  cells: CellService;
  members: MemberService;
  invites: InviteService;
  identity: IdentityService;
  notifier: Notifier;
  access: Access;
  settings: SettingsService;
}

/** What the core knows about the channels that are switched on. */
export interface ChannelInfo {
  /** Telegram bot username, for deep links. */
  telegramUsername: string | null;
  /** Zalo bot display name, to tell people where to send a code. */
  zaloName: string | null;
  /** Public base URL of the bot's HTTP server, for signed file links. */
  publicBaseUrl: string | null;
  /** Channels whose bot can delete messages in a private chat (its own and the person's), by their capabilities. */
  canDelete?: Partial<Record<Inbound['channel'], boolean>>;
  /** Channels on which people can send the bot a document, by their capabilities. */
  receivesDocuments?: Partial<Record<Inbound['channel'], boolean>>;
}

export interface CoreDeps {
  services: Services;
  repos: Repos;
  clock: Clock;
  translator: Translator;
  channels: ChannelInfo;
  /** Lets channels that cannot receive files get them as expiring links. */
  links: { fileLink(cellId: number | null, filename: string, mime: string, data: Buffer): string | null };
  /** Fetches a file a person sent (by the channel's reference), for channels that can receive them. */
  downloads: Partial<Record<Inbound['channel'], (ref: string) => Promise<Buffer>>>;
}

/** One update being handled: who, where, in which language, and what to answer. */
export interface Ctx {
  in: Inbound;
  caller: Caller;
  locale: Locale;
  t: Translate;
  conv: ConversationRow | undefined;
  deps: CoreDeps;
  replies: OutMessage[];
  toast: string | null;
  /** The cell chosen with a "which cell?" button, for the command being run. */
  picked: number | null;
  reply(message: OutMessage): void;
  run(command: string, args?: string): Promise<void>;
  setFlow(flow: string, step: string, data?: Record<string, unknown>, cellId?: number | null): void;
  clearFlow(): void;
}

export type CommandHandler = (ctx: Ctx, args: string) => void | Promise<void>;
/** Gets the action's parts after its prefix: `jd:12:1` → ['12', '1']. */
export type ActionHandler = (ctx: Ctx, parts: string[]) => void | Promise<void>;
/** Gets the typed text while a dialogue waits for it. */
export type FlowHandler = (ctx: Ctx, step: string, text: string, data: Record<string, unknown>) => void | Promise<void>;

export interface Feature {
  commands?: Record<string, CommandHandler>;
  actions?: Record<string, ActionHandler>;
  flows?: Record<string, FlowHandler>;
}
