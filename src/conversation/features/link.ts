import { formatCode } from '../../domain/invites.js';
import type { Ctx, Feature } from '../context.js';
import { requirePrivate } from './shared.js';

/** /lienketkenh: a one-time code to attach this person's account on the other channel. */
function linkChannel(ctx: Ctx, args: string): void {
  if (!requirePrivate(ctx)) return;
  const { identity } = ctx.deps.services;
  if (args) {
    identity.redeemLinkCode(ctx.deps.repos.people.account(ctx.in.channel, ctx.in.from.id) ?? missing(), args);
    ctx.reply({ text: ctx.t('link.done', { channel: ctx.t(`channels.${ctx.in.channel}`) }) });
    return;
  }
  const { code } = identity.createLinkCode(ctx.caller.personId, ctx.in.channel);
  const { telegramUsername, zaloName } = ctx.deps.channels;
  const where = ctx.in.channel === 'telegram' ? (zaloName ? ctx.t('link.toZalo', { bot: zaloName }) : null) : telegramUsername ? ctx.t('link.toTelegram', { bot: `@${telegramUsername}` }) : null;
  ctx.reply({ text: [ctx.t('link.code', { code: formatCode(code) }), where ?? ctx.t('link.otherChannelOff')].join('\n') });
}

function missing(): never {
  throw new Error('account vanished while handling its own update');
}

export const linkFeature: Feature = { commands: { lienketkenh: linkChannel } };
