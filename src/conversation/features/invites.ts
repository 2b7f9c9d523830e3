import QRCode from 'qrcode';
import { DomainError } from '../../domain/errors.js';
import { checkFullName } from '../../domain/names.js';
import { formatCode } from '../../domain/invites.js';
import type { InviteRow } from '../../store/repos/invites.js';
import type { MemberRow } from '../../store/repos/members.js';
import { fold } from '../../domain/text.js';
import type { Ctx, Feature } from '../context.js';
import type { Translate } from '../i18n.js';
import { formatDateTime } from '../format.js';
import { choice, type Choice, type FileAttachment } from '../message.js';
import { cancelRow, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

const leaders = ['secretary', 'deputy'] as const;

function inviteMenu(ctx: Ctx): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  return withCell(ctx, 'moi', leaders, (cellId) => {
    ctx.deps.services.access.require(ctx.caller, cellId, 'invite.create');
    ctx.reply({
      text: ctx.t('invites.menu'),
      choices: oneColumn([
        choice(ctx.t('invites.single'), `inv:new:${cellId}:1`),
        choice(ctx.t('invites.multi'), `inv:new:${cellId}:m`),
        choice(ctx.t('invites.list'), `inv:ls:${cellId}`),
      ]),
    });
  });
}

async function createInvite(ctx: Ctx, cellId: number, multi: boolean): Promise<void> {
  const { services, channels } = ctx.deps;
  const { invite, code } = services.invites.create(ctx.caller, cellId, { maxUses: multi ? null : 1 });
  const cell = services.cells.get(cellId);
  const expires = formatDateTime(invite.expiresAt, cell.timezone, ctx.locale);
  const lines = [ctx.t('invites.created', { cell: cell.name, expires }), ctx.t(multi ? 'invites.multiNote' : 'invites.singleNote')];
  const link = channels.telegramUsername ? `https://t.me/${channels.telegramUsername}?start=${code}` : null;
  if (link) lines.push(ctx.t('invites.viaTelegram', { link }));
  if (channels.zaloName) lines.push(ctx.t('invites.viaZalo', { code: formatCode(code), bot: channels.zaloName }));
  lines.push(ctx.t('invites.forward'));
  const attachments: FileAttachment[] = [];
  if (link) {
    const png = await QRCode.toBuffer(link, { type: 'png', width: 480, margin: 2, errorCorrectionLevel: 'M' });
    attachments.push({ kind: 'photo', filename: 'moi-chi-bo.png', mime: 'image/png', data: png, caption: ctx.t('invites.qrCaption', { cell: cell.name }) });
  }
  ctx.reply({ text: lines.join('\n\n'), attachments, choices: [[choice(ctx.t('invites.revokeThis'), `inv:rv:${invite.id}`)]] });
}

function listInvites(ctx: Ctx, cellId: number): void {
  const { services } = ctx.deps;
  const cell = services.cells.get(cellId);
  const active = services.invites.listActive(ctx.caller, cellId);
  if (active.length === 0) {
    ctx.reply({ text: ctx.t('invites.none'), choices: [[choice(ctx.t('invites.single'), `inv:new:${cellId}:1`)]] });
    return;
  }
  const lines = active.map((i) =>
    ctx.t('invites.line', {
      hint: i.hint,
      uses: i.uses,
      max: i.maxUses ?? '∞',
      expires: formatDateTime(i.expiresAt, cell.timezone, ctx.locale),
    }),
  );
  ctx.reply({
    text: [ctx.t('invites.activeTitle', { cell: cell.name }), ...lines].join('\n'),
    choices: oneColumn(active.slice(0, 20).map((i) => choice(ctx.t('invites.revokeHint', { hint: i.hint }), `inv:rv:${i.id}`))),
  });
}

function revoke(ctx: Ctx, inviteId: number): void {
  const invite = ctx.deps.services.invites.revoke(ctx.caller, inviteId);
  ctx.reply({ text: ctx.t('invites.revoked', { hint: invite.hint }) });
}

/** Someone opened an invite link or typed a code: check it, then ask for their full name. */
function joinWithCode(ctx: Ctx, code: string): void {
  if (!requirePrivate(ctx)) return;
  const { invite, cell } = ctx.deps.services.invites.check(ctx.caller.personId, code);
  if (invite.memberId !== null) return askPersonal(ctx, invite, cell.name);
  ctx.setFlow('join', 'name', { inviteId: invite.id }, cell.id);
  const suggested = checkFullName(ctx.in.from.displayName);
  const choices = suggested.ok ? [[choice(ctx.t('join.useName', { name: suggested.value }), 'jn:me')], cancelRow(ctx)] : [cancelRow(ctx)];
  ctx.reply({ text: ctx.t('join.askName', { cell: cell.name }), choices });
}

function joinStep(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
  const { services } = ctx.deps;
  let member: MemberRow;
  try {
    member = services.invites.requestJoin(ctx.caller.personId, Number(data.inviteId), text);
  } catch (err) {
    // A bad name keeps the dialogue open; a dead invite ends it.
    if (err instanceof DomainError && (err.code === 'MEMBER.NAME_INVALID' || err.code === 'MEMBER.ID_NUMBER')) {
      ctx.reply({ text: `${ctx.t(`errors.${err.code}`)}\n${ctx.t('join.askNameAgain')}`, choices: [cancelRow(ctx)] });
      return;
    }
    ctx.clearFlow();
    throw err;
  }
  ctx.clearFlow();
  const cell = services.cells.get(member.cellId);
  ctx.reply({ text: ctx.t('join.requested', { cell: cell.name, name: member.fullName }) });
  notifyLeaders(ctx, member, cell.name);
}

/** A personal invite (from a roll import): "Đồng chí là Nguyễn Văn A?" — Đúng joins at once, Không phải leaves the code unused. */
function askPersonal(ctx: Ctx, invite: InviteRow, cellName: string): void {
  const target = ctx.deps.services.invites.personalTarget(invite);
  // The answer must come from this chat, for this invite: a forged button press carries no code, and the
  // service checks the code's hash kept here against the invite's.
  ctx.setFlow('joinPersonal', 'confirm', { inviteId: invite.id, codeHash: invite.codeHash }, invite.cellId);
  ctx.reply({
    text: ctx.t('join.personalAsk', { cell: cellName, name: target.fullName }),
    choices: [[choice(ctx.t('join.personalYes'), `jp:${invite.id}:1`), choice(ctx.t('join.personalNo'), `jp:${invite.id}:0`)]],
  });
}

function answerPersonal(ctx: Ctx, inviteId: number, yes: boolean): void {
  const data = ctx.conv?.flow === 'joinPersonal' ? ctx.conv.data : null;
  if (!data || Number(data.inviteId) !== inviteId || typeof data.codeHash !== 'string') throw new DomainError('INVITE.NOT_FOUND');
  const proof = { codeHash: data.codeHash };
  const { services, repos } = ctx.deps;
  ctx.clearFlow();
  const member = yes ? services.invites.joinPersonal(ctx.caller.personId, inviteId, proof) : services.invites.declinePersonal(ctx.caller.personId, inviteId, proof);
  const cell = services.cells.get(member.cellId);
  const channel = (t: (k: string) => string) => t(`channels.${ctx.in.channel}`);
  ctx.reply(yes ? { text: ctx.t('join.personalWelcome', { name: member.fullName, cell: cell.name }), choices: [[choice(ctx.t('menu.help'), 'cmd:trogiup')]], replaceOrigin: true } : { text: ctx.t('join.personalDeclined'), replaceOrigin: true });
  for (const leader of repos.members.withRoles(member.cellId, [...leaders])) {
    if (leader.id === member.id) continue;
    const key = yes ? `joinedPersonal:${member.id}:${leader.personId}` : `personalWrong:${inviteId}:${ctx.caller.personId}:${leader.personId}`;
    services.notifier.toPerson(leader.personId, member.cellId, key, (t) => ({ text: t(yes ? 'join.personalJoinedCard' : 'join.personalWrongCard', { name: member.fullName, cell: cell.name, channel: channel(t) }) }));
  }
}

/** Typed answers while the question waits: "đúng" / "không phải" (numbers are the choices themselves). */
function personalStep(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
  const folded = fold(text);
  if (['dung', 'phai', 'co', 'yes', 'dung vay', 'dung roi'].includes(folded)) return answerPersonal(ctx, Number(data.inviteId), true);
  if (['khong', 'khong phai', 'no', 'sai'].includes(folded)) return answerPersonal(ctx, Number(data.inviteId), false);
  ctx.reply({ text: ctx.t('join.personalAskAgain'), choices: [[choice(ctx.t('join.personalYes'), `jp:${String(data.inviteId)}:1`), choice(ctx.t('join.personalNo'), `jp:${String(data.inviteId)}:0`)]] });
}

/** "Trùng tên với đồng chí X …": one line per member of the roll the request may be. */
export function namesakeLines(t: Translate, namesakes: readonly MemberRow[]): string[] {
  return namesakes.map((n) => t('join.sameName', { name: n.fullName }));
}

/**
 * The choices on a request: "Là đồng chí X" for each namesake on the roll (told apart by role and
 * party group when there are several), then "Duyệt" (a new member) and "Từ chối".
 */
export function decisionChoices(t: Translate, requestId: number, namesakes: readonly MemberRow[]): Choice[][] {
  const detail = (n: MemberRow) => [t(`roles.${n.role}`), n.partyGroup].filter((p): p is string => Boolean(p)).join(', ');
  const matches = namesakes.map((n) => [choice(namesakes.length > 1 ? t('join.isMemberDetail', { name: n.fullName, detail: detail(n) }) : t('join.isMember', { name: n.fullName }), `jm:${requestId}:${n.id}`)]);
  return [...matches, [choice(t('join.approve'), `jd:${requestId}:1`), choice(t('join.reject'), `jd:${requestId}:0`)]];
}

/** The approval card goes to the secretary and deputies, on whatever channel each uses. */
function notifyLeaders(ctx: Ctx, member: MemberRow, cellName: string): void {
  const { repos, services } = ctx.deps;
  const namesakes = services.invites.namesakes(member);
  for (const leader of repos.members.withRoles(member.cellId, [...leaders])) {
    services.notifier.toPerson(leader.personId, member.cellId, `join:${member.id}:${member.updatedAt}:${leader.personId}`, (t) => ({
      text: [t('join.card', { name: member.fullName, cell: cellName, channel: t(`channels.${ctx.in.channel}`) }), ...namesakeLines(t, namesakes)].join('\n'),
      choices: decisionChoices(t, member.id, namesakes),
    }));
  }
}

/** "Là đồng chí X": the request joins as the member already on the roll; they are welcomed under the recorded name. */
function decideAs(ctx: Ctx, requestId: number, targetId: number): void {
  const { services } = ctx.deps;
  let member: MemberRow;
  try {
    member = services.invites.decideAs(ctx.caller, requestId, targetId);
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'MEMBER.NOT_FOUND') throw err;
    // The namesake is no longer waiting (they used their personal invite, or were removed): decide afresh.
    const request = services.members.get(ctx.caller, requestId);
    if (request.status !== 'pending') throw new DomainError('JOIN.NOT_PENDING');
    const namesakes = services.invites.namesakes(request);
    ctx.reply({ text: [ctx.t('join.matchGone', { name: request.fullName }), ...namesakeLines(ctx.t, namesakes)].join('\n'), choices: decisionChoices(ctx.t, request.id, namesakes), replaceOrigin: true });
    return;
  }
  const cell = services.cells.get(member.cellId);
  ctx.toast = ctx.t('join.matchedToast');
  ctx.reply({ text: ctx.t('join.matchedCard', { name: member.fullName, cell: cell.name }), replaceOrigin: true });
  services.notifier.toPerson(member.personId, member.cellId, `joinedAs:${requestId}:${member.id}`, (t) => ({
    text: t('join.welcomeMatched', { cell: cell.name, name: member.fullName }),
    choices: [[choice(t('menu.help'), 'cmd:trogiup')]],
  }));
}

function decide(ctx: Ctx, memberId: number, approve: boolean): void {
  const { services } = ctx.deps;
  const member = services.invites.decide(ctx.caller, memberId, approve);
  const cell = services.cells.get(member.cellId);
  ctx.toast = ctx.t(approve ? 'join.approvedToast' : 'join.rejectedToast');
  ctx.reply({ text: ctx.t(approve ? 'join.approvedCard' : 'join.rejectedCard', { name: member.fullName, cell: cell.name }), replaceOrigin: true });
  services.notifier.toPerson(member.personId, member.cellId, `joined:${member.id}:${member.updatedAt}`, (t) => ({
    text: t(approve ? 'join.welcome' : 'join.refused', { cell: cell.name }),
    choices: approve ? [[choice(t('menu.help'), 'cmd:trogiup')]] : [],
  }));
}

export const invitesFeature: Feature = {
  commands: { moi: inviteMenu, join_code: joinWithCode },
  actions: {
    inv: (ctx, [what, id, mode]) => {
      if (what === 'new') return createInvite(ctx, parseId(id), mode === 'm');
      if (what === 'ls') return listInvites(ctx, parseId(id));
      if (what === 'rv') return revoke(ctx, parseId(id));
      return ctx.run('unknown_command');
    },
    jd: (ctx, [id, yes]) => decide(ctx, parseId(id), yes === '1'),
    jm: (ctx, [id, target]) => decideAs(ctx, parseId(id), parseId(target)),
    jp: (ctx, [id, yes]) => answerPersonal(ctx, parseId(id), yes === '1'),
    /** "Use my name as shown": the display name, checked like a typed one. */
    jn: (ctx) => {
      if (ctx.conv?.flow !== 'join') return ctx.run('unknown_command');
      return joinStep(ctx, 'name', ctx.in.from.displayName, ctx.conv.data);
    },
  },
  flows: { join: joinStep, joinPersonal: personalStep },
};
