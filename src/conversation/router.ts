import { DomainError, isDomainError } from '../domain/errors.js';
import { fold } from '../domain/text.js';
import type { Logger } from '../logger.js';
import type { ChoiceBook, NumberedChoice } from './choices.js';
import type { CoreDeps, Ctx, Feature } from './context.js';
import { isLocale, type Locale } from './i18n.js';
import { parseCommand, type Inbound } from './inbound.js';
import type { OutMessage } from './message.js';

export interface RenderedReply extends OutMessage {
  numbered: NumberedChoice[][];
}

export interface RouterResult {
  replies: RenderedReply[];
  /** Short text for the button press itself (Telegram's callback answer). */
  toast: string | null;
  locale: Locale;
}

/** Inbound text longer than this is refused politely instead of being half-read. */
const MAX_INPUT = 3000;

/**
 * The platform-neutral core of the chat: identity, dialogue state, commands, typed choices.
 * Channels hand it an Inbound and render what it returns.
 */
export class Router {
  private readonly commands = new Map<string, NonNullable<Feature['commands']>[string]>();
  private readonly actions = new Map<string, NonNullable<Feature['actions']>[string]>();
  private readonly flows = new Map<string, NonNullable<Feature['flows']>[string]>();

  constructor(
    private readonly deps: CoreDeps,
    private readonly choices: ChoiceBook,
    private readonly log: Logger,
    features: Feature[],
    private readonly aliases: Record<string, string>,
  ) {
    for (const f of features) {
      for (const [k, v] of Object.entries(f.commands ?? {})) this.commands.set(k, v);
      for (const [k, v] of Object.entries(f.actions ?? {})) this.actions.set(k, v);
      for (const [k, v] of Object.entries(f.flows ?? {})) this.flows.set(k, v);
    }
  }

  commandNames(): string[] {
    return [...this.commands.keys()];
  }

  async handle(inbound: Inbound): Promise<RouterResult> {
    const { repos, services, clock, translator } = this.deps;
    // Marked once handled, not before: an update cut short by a crash is redelivered and handled then.
    if (repos.conversations.wasProcessed(inbound.channel, inbound.updateKey)) return { replies: [], toast: null, locale: translator.defaultLocale };
    const account = services.identity.touch(inbound.channel, inbound.from.id, inbound.from.displayName);
    const person = repos.people.person(account.personId);
    const locale = isLocale(person?.locale) ? person.locale : translator.defaultLocale;
    const ctx = this.context(inbound, account.personId, locale);
    try {
      await this.dispatch(ctx);
    } catch (err) {
      this.fail(ctx, err);
    }
    repos.conversations.markProcessed(inbound.channel, inbound.updateKey, clock.now());
    return { replies: this.number(ctx), toast: ctx.toast, locale: ctx.locale };
  }

  private context(inbound: Inbound, personId: number, locale: 'vi' | 'en'): Ctx {
    const { repos, services, clock, translator } = this.deps;
    const ctx: Ctx = {
      in: inbound,
      caller: { personId, channel: inbound.channel, externalId: inbound.from.id, isAdmin: services.identity.isAdminPerson(personId) },
      locale,
      t: translator.for(locale),
      conv: repos.conversations.get(inbound.channel, inbound.chatId),
      deps: this.deps,
      replies: [],
      toast: null,
      picked: null,
      run: (name, args = '') => this.runCommand(ctx, name, args),
      reply: (m) => void ctx.replies.push(m),
      setFlow: (flow, step, data = {}, cellId) => {
        const patch = cellId === undefined ? { flow, step, data } : { flow, step, data, cellId };
        repos.conversations.save(inbound.channel, inbound.chatId, patch, clock.now());
        ctx.conv = repos.conversations.get(inbound.channel, inbound.chatId);
      },
      clearFlow: () => {
        repos.conversations.save(inbound.channel, inbound.chatId, { flow: null, step: null, data: {} }, clock.now());
        ctx.conv = repos.conversations.get(inbound.channel, inbound.chatId);
      },
    };
    return ctx;
  }

  private async dispatch(ctx: Ctx): Promise<void> {
    const { in: inbound } = ctx;
    if (inbound.kind === 'action' && inbound.action) return this.runAction(ctx, inbound.action);
    if (inbound.kind === 'botAdded') return this.runCommand(ctx, 'bot_added', '');
    if (inbound.kind === 'media') {
      // Only a dialogue that asked for a file (flow data `acceptsFile: true`) gets one; it reads `ctx.in.file`.
      const wantsFile = inbound.file !== undefined && ctx.conv?.flow && ctx.conv.data.acceptsFile === true && this.flows.has(ctx.conv.flow);
      if (wantsFile && inbound.chatKind === 'private') return this.runFlow(ctx, (inbound.text ?? '').trim().slice(0, MAX_INPUT));
      // A document sent outside any dialogue (a roll to import, say): a feature may take it.
      if (inbound.file?.kind === 'document' && inbound.chatKind === 'private' && !ctx.conv?.flow && this.commands.has('file_received')) return this.runCommand(ctx, 'file_received', '');
      if (inbound.chatKind === 'private') ctx.reply({ text: ctx.t('common.mediaNotUsed') });
      return;
    }
    const text = (inbound.text ?? '').trim();
    if (text.length > MAX_INPUT) throw new DomainError('INPUT.TOO_LONG', { max: MAX_INPUT });
    const command = parseCommand(text);
    if (command) return this.runCommand(ctx, command.name, command.args);
    if (inbound.chatKind !== 'private') return; // ordinary talk in a group is not for the bot
    if (this.isCancelWord(text)) return this.runCommand(ctx, 'huy', '');
    const inFlow = Boolean(ctx.conv?.flow && this.flows.has(ctx.conv.flow));
    // Inside a dialogue only its own choices count: a number that is none of them (a day, an
    // amount) goes to the dialogue, never to an earlier card that happened to use that number.
    const chosen = this.choices.match(inbound.channel, inbound.chatId, text, { notices: !inFlow });
    if (chosen) return this.runAction(ctx, chosen);
    if (ctx.conv?.flow && this.flows.has(ctx.conv.flow)) return this.runFlow(ctx, text);
    // A command typed without the slash ("tro giup", "thanhvien") is still a command.
    const bare = fold(text).replace(/\s/g, '');
    const named = this.aliases[bare] ?? (this.commands.has(bare) ? bare : undefined);
    if (named) return this.runCommand(ctx, named, '');
    return this.runCommand(ctx, 'free_text', text);
  }

  private async runFlow(ctx: Ctx, text: string): Promise<void> {
    const flow = ctx.conv?.flow ? this.flows.get(ctx.conv.flow) : undefined;
    if (!flow || !ctx.conv?.step) return this.runCommand(ctx, 'unknown_command', '');
    await flow(ctx, ctx.conv.step, text, ctx.conv.data);
  }

  private isCancelWord(text: string): boolean {
    const f = fold(text);
    return f === '0' || f === 'huy' || f === 'cancel';
  }

  private async runCommand(ctx: Ctx, name: string, args: string): Promise<void> {
    if (name === 'flow_input') return this.runFlow(ctx, args);
    const handler = this.commands.get(this.aliases[name] ?? name) ?? this.commands.get('unknown_command');
    this.log.debug({ channel: ctx.in.channel, command: name }, 'command');
    if (handler) await handler(ctx, args);
  }

  private async runAction(ctx: Ctx, action: string): Promise<void> {
    const [prefix, ...parts] = action.split(':');
    const handler = prefix ? this.actions.get(prefix) : undefined;
    this.log.debug({ channel: ctx.in.channel, action: prefix }, 'action');
    if (!handler) {
      ctx.toast = ctx.t('common.staleButton');
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    await handler(ctx, parts);
  }

  /** Refusals become one polite sentence; anything else is logged (without contents) and apologised for. */
  private fail(ctx: Ctx, err: unknown): void {
    if (isDomainError(err)) {
      const message = ctx.t(`errors.${err.code}`, err.params);
      ctx.toast = message.slice(0, 190);
      ctx.reply({ text: message });
      return;
    }
    this.log.error({ err, channel: ctx.in.channel }, 'handler failed');
    ctx.toast = ctx.t('errors.INTERNAL');
    ctx.reply({ text: ctx.t('errors.INTERNAL') });
  }

  private number(ctx: Ctx): RenderedReply[] {
    let first = true;
    return ctx.replies.map((m) => {
      const hasChoices = (m.choices?.length ?? 0) > 0;
      const numbered = hasChoices ? this.choices.number(ctx.in.channel, ctx.in.chatId, m, first ? 'replace' : 'append') : [];
      if (hasChoices) first = false;
      return { ...m, numbered };
    });
  }
}
