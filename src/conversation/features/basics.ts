import { cite, rulesOn } from '../../domain/rules.js';
import { isLeader, type Role } from '../../domain/roles.js';
import type { Ctx, Feature } from '../context.js';
import { isLocale } from '../i18n.js';
import { choice, type Choice } from '../message.js';
import { cmdChoice, oneColumn, parseId, requirePrivate } from './shared.js';

/** The person's highest role across their cells, for tailoring help and menus. */
function topRole(ctx: Ctx): Role | null {
  const order: Role[] = ['secretary', 'deputy', 'committee', 'member'];
  const mine = ctx.deps.services.cells.cellsOf(ctx.caller.personId).filter((c) => c.status === 'active');
  for (const r of order) if (mine.some((c) => c.role === r)) return r;
  return null;
}

/** Big, clear choices for what the person can do now. */
function mainMenu(ctx: Ctx): Choice[][] {
  const role = topRole(ctx);
  const items: Choice[] = [];
  if (ctx.caller.isAdmin) items.push(cmdChoice(ctx.t('menu.createCell'), 'taochibo'));
  if (isLeader(role)) items.push(cmdChoice(ctx.t('menu.invite'), 'moi'));
  if (role) items.push(cmdChoice(ctx.t('menu.members'), 'thanhvien'), cmdChoice(ctx.t('menu.myCells'), 'chibo'));
  items.push(cmdChoice(ctx.t('menu.linkChannel'), 'lienketkenh'), cmdChoice(ctx.t('menu.help'), 'trogiup'));
  return oneColumn(items);
}

function start(ctx: Ctx, args: string): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  if (args) return ctx.run('join_code', args);
  const role = topRole(ctx);
  const key = role ? 'start.welcomeMember' : ctx.caller.isAdmin ? 'start.welcomeAdmin' : 'start.welcomeNew';
  ctx.reply({ text: ctx.t(key), choices: mainMenu(ctx) });
}

function help(ctx: Ctx): void {
  const role = topRole(ctx);
  const sections = ['help.everyone'];
  if (role) sections.push('help.member');
  if (isLeader(role)) sections.push('help.leader');
  if (role === 'secretary') sections.push('help.secretary');
  if (ctx.caller.isAdmin) sections.push('help.admin');
  const rules = rulesOn(new Date(ctx.deps.clock.now()).toISOString().slice(0, 10));
  const text = [
    ctx.t('help.title'),
    ...sections.map((s) => ctx.t(s)),
    ctx.t('help.typing'),
    ctx.t('help.security'),
    ctx.t('help.sources', { members: cite(rules.sources.members), meetings: cite(rules.sources.meetings) }),
  ].join('\n\n');
  ctx.reply({ text, choices: ctx.in.chatKind === 'private' ? mainMenu(ctx) : [] });
}

function cancel(ctx: Ctx): void {
  const had = ctx.conv?.flow;
  ctx.clearFlow();
  ctx.reply({ text: ctx.t(had ? 'common.cancelled' : 'common.nothingToCancel'), choices: ctx.in.chatKind === 'private' ? mainMenu(ctx) : [] });
}

function myCells(ctx: Ctx): void {
  if (!requirePrivate(ctx)) return;
  const mine = ctx.deps.services.cells.cellsOf(ctx.caller.personId);
  if (mine.length === 0) {
    ctx.reply({ text: ctx.t('start.welcomeNew') });
    return;
  }
  const lines = mine.map((c) => `• ${c.cell.name} — ${ctx.t(`roles.${c.role}`)}${c.status === 'pending' ? ` (${ctx.t('members.pending')})` : ''}`);
  ctx.reply({ text: [ctx.t('cells.mine'), ...lines].join('\n') });
}

function language(ctx: Ctx): void {
  ctx.reply({ text: ctx.t('settings.chooseLanguage'), choices: [[choice('Tiếng Việt', 'lang:vi'), choice('English', 'lang:en')]] });
}

function setLanguage(ctx: Ctx, parts: string[]): void {
  const locale = parts[0];
  if (!isLocale(locale)) return;
  ctx.deps.repos.people.updatePerson(ctx.caller.personId, { locale });
  ctx.locale = locale;
  ctx.t = ctx.deps.translator.for(locale);
  ctx.reply({ text: ctx.t('settings.languageSet'), replaceOrigin: true });
}

function channelChoice(ctx: Ctx): void {
  if (!requirePrivate(ctx)) return;
  const accounts = ctx.deps.repos.people.accountsOf(ctx.caller.personId);
  const person = ctx.deps.repos.people.person(ctx.caller.personId);
  const current = person?.preferredChannel ? ctx.t(`channels.${person.preferredChannel}`) : ctx.t('settings.lastUsed');
  ctx.reply({
    text: ctx.t('settings.chooseChannel', { current }),
    choices: [
      accounts.map((a) => choice(ctx.t(`channels.${a.channel}`), `ch:${a.channel}`)),
      [choice(ctx.t('settings.lastUsed'), 'ch:auto')],
    ],
  });
}

function setChannel(ctx: Ctx, parts: string[]): void {
  const wanted = parts[0];
  const accounts = ctx.deps.repos.people.accountsOf(ctx.caller.personId);
  const channel = accounts.find((a) => a.channel === wanted)?.channel ?? null;
  if (wanted !== 'auto' && channel === null) {
    ctx.reply({ text: ctx.t('settings.channelNotLinked') });
    return;
  }
  ctx.deps.repos.people.updatePerson(ctx.caller.personId, { preferredChannel: channel });
  ctx.reply({ text: ctx.t('settings.channelSet', { channel: channel ? ctx.t(`channels.${channel}`) : ctx.t('settings.lastUsed') }), replaceOrigin: true });
}

function freeText(ctx: Ctx, text: string): Promise<void> | void {
  const { identity } = ctx.deps.services;
  if (/^[a-z2-9\s-]{12,16}$/i.test(text) && text.replace(/[\s-]/g, '').length === 12) return ctx.run('join_code', text);
  if (identity.looksLikeLinkCode(text)) return ctx.run('lienketkenh', text);
  // Six digits: a meeting's check-in code read out by the secretary.
  if (/^\d{3}[\s.-]?\d{3}$/.test(text.trim())) return ctx.run('checkin_code', text);
  ctx.reply({ text: ctx.t('common.notUnderstood'), choices: mainMenu(ctx) });
}

function unknownCommand(ctx: Ctx): void {
  ctx.reply({ text: ctx.t('common.unknownCommand'), choices: ctx.in.chatKind === 'private' ? mainMenu(ctx) : [] });
}

function botAdded(ctx: Ctx): void {
  ctx.reply({ text: ctx.t('cells.botAddedToGroup') });
}

export const basics: Feature = {
  commands: {
    start,
    trogiup: help,
    huy: cancel,
    chibo: myCells,
    ngonngu: language,
    kenh: channelChoice,
    free_text: freeText,
    unknown_command: unknownCommand,
    bot_added: botAdded,
  },
  actions: {
    cmd: (ctx, [name]) => ctx.run(name ?? 'trogiup'),
    /** "Which cell?" answered: run the command for that cell. */
    cell: (ctx, [id, command]) => {
      ctx.picked = parseId(id);
      return ctx.run(command ?? 'trogiup');
    },
    lang: setLanguage,
    ch: setChannel,
    /** A button that answers the dialogue's current question, as if typed. */
    fl: (ctx, parts) => {
      const flow = ctx.conv?.flow;
      if (!flow || !ctx.conv?.step) return ctx.run('unknown_command');
      return ctx.run('flow_input', parts.join(':'));
    },
  },
};

export const commandAliases: Record<string, string> = {
  help: 'trogiup',
  cancel: 'huy',
  language: 'ngonngu',
  lang: 'ngonngu',
  members: 'thanhvien',
  invite: 'moi',
  link: 'lienket',
  linkchannel: 'lienketkenh',
  channel: 'kenh',
  newcell: 'taochibo',
  cells: 'chibo',
  menu: 'start',
};
