import { parseTypedDate, formatIsoDate } from '../../domain/dates.js';
import { DomainError } from '../../domain/errors.js';
import { attachments, duesCategories, reviewForms, type DuesCategory, type ExemptionKind, type Membership, type ReviewForm } from '../../domain/members.js';
import { can, roles, type Role } from '../../domain/roles.js';
import type { MemberView } from '../../services/members.js';
import type { Ctx, Feature } from '../context.js';
import { isoDateIn } from '../format.js';
import { choice, type Choice } from '../message.js';
import { decisionChoices, namesakeLines } from './invites.js';
import { personalInviteButtons, rosterMenu } from './roster.js';
import { cancelRow, oneColumn, parseId, requirePrivate, roleLabel, withCell } from './shared.js';

const PAGE = 20;

function statusLine(ctx: Ctx, m: MemberView): string {
  const parts = [roleLabel(ctx, m.role), ctx.t(`members.membership.${m.membership}`)];
  if (m.status === 'pending') parts.push(ctx.t('members.pending'));
  if (m.exemption) parts.push(ctx.t(`members.exemption.${m.exemption.kind}`));
  if (m.attachment === 'temporary') parts.push(ctx.t('members.attachedTemporarily'));
  if (m.collectsDues) parts.push(ctx.t('members.collector'));
  return `${m.fullName} — ${parts.join(' · ')}`;
}

function list(ctx: Ctx, page = 0): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  return withCell(ctx, 'thanhvien', 'any', (cellId) => showPage(ctx, cellId, page));
}

function showPage(ctx: Ctx, cellId: number, page: number): void {
  const { services } = ctx.deps;
  const cell = services.cells.get(cellId);
  const all = services.members.list(ctx.caller, cellId);
  const { actor } = services.access.actor(ctx.caller, cellId);
  const editable = can(actor, 'member.edit');
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const slice = all.slice(current * PAGE, current * PAGE + PAGE);
  const active = all.filter((m) => m.status === 'active');
  const header = ctx.t('members.title', {
    cell: cell.name,
    total: active.length,
    full: active.filter((m) => m.membership === 'full').length,
    probationary: active.filter((m) => m.membership === 'probationary').length,
  });
  // Bullets, not numbers: on Zalo the numbers belong to the choices below.
  const lines = slice.map((m) => `• ${statusLine(ctx, m)}`);
  const pageNote = pages > 1 ? ctx.t('members.page', { page: current + 1, pages }) : '';
  const choices: Choice[][] = editable ? slice.map((m) => [choice(m.fullName, `mb:v:${m.id}`)]) : [];
  const nav: Choice[] = [];
  if (current > 0) nav.push(choice(ctx.t('members.prev'), `mb:ls:${cellId}:${current - 1}`));
  if (current < pages - 1) nav.push(choice(ctx.t('members.next'), `mb:ls:${cellId}:${current + 1}`));
  if (nav.length > 0) choices.push(nav);
  if (editable && can(actor, 'roster.import')) choices.push(...rosterMenu(ctx, cellId, active.filter((m) => ctx.deps.repos.people.accountsOf(m.personId).length === 0).length));
  const footer = editable ? ctx.t('members.pickToEdit') : '';
  const unreachable = editable && current === 0 ? unreachableLines(ctx, active) : [];
  ctx.reply({ text: [header, ...lines, pageNote, ...unreachable, footer].filter((l) => l !== '').join('\n'), choices });
}

/** Platform error texts → a reason people understand. */
function reasonKey(reason: string | null): string {
  if (!reason) return 'unknown';
  if (/blocked|kicked|deactivated/i.test(reason)) return 'blocked';
  if (/initiate|interacted|not started/i.test(reason)) return 'neverStarted';
  if (/not found/i.test(reason)) return 'notFound';
  return 'unknown';
}

/** Leaders see who the bot cannot reach, and why, so they can be reached another way. */
function unreachableLines(ctx: Ctx, active: MemberView[]): string[] {
  const lines = active.flatMap((m) => {
    const accounts = ctx.deps.repos.people.accountsOf(m.personId);
    if (accounts.some((a) => a.reachable)) return [];
    const why = accounts.map((a) => `${ctx.t(`channels.${a.channel}`)}: ${ctx.t(`members.unreachable.${reasonKey(a.unreachableReason)}`)}`).join('; ');
    return [`• ${m.fullName} — ${why || ctx.t('members.noAccount')}`];
  });
  return lines.length > 0 ? ['', ctx.t('members.unreachableTitle'), ...lines] : [];
}

function card(ctx: Ctx, memberId: number, replace = false): void {
  const { services } = ctx.deps;
  const m = services.members.get(ctx.caller, memberId);
  const cell = services.cells.get(m.cellId);
  const lines = [
    `${m.fullName}`,
    `${ctx.t('members.field.role')}: ${roleLabel(ctx, m.role)}`,
    `${ctx.t('members.field.membership')}: ${ctx.t(`members.membership.${m.membership}`)}${m.membershipSince ? ` (${ctx.t('members.since')} ${formatIsoDate(m.membershipSince)})` : ''}`,
    `${ctx.t('members.field.status')}: ${ctx.t(`members.status.${m.status}`)}`,
    `${ctx.t('members.field.exemption')}: ${m.exemption ? `${ctx.t(`members.exemption.${m.exemption.kind}`)} ${formatIsoDate(m.exemption.fromDate)}${m.exemption.toDate ? ` – ${formatIsoDate(m.exemption.toDate)}` : ''}` : ctx.t('common.none')}`,
    `${ctx.t('members.field.attachment')}: ${ctx.t(`members.attachment.${m.attachment}`)}`,
    `${ctx.t('members.field.collector')}: ${ctx.t(m.collectsDues ? 'common.yes' : 'common.no')}`,
    `${ctx.t('members.field.reviewForm')}: ${ctx.t(`members.reviewForm.${m.reviewForm}`)}`,
    `${ctx.t('members.field.duesCategory')}: ${ctx.t(`members.duesCategory.${m.duesCategory}`)}`,
    ...(m.partyGroup ? [`${ctx.t('members.field.partyGroup')}: ${m.partyGroup}`] : []),
    `${ctx.t('members.field.cell')}: ${cell.name}`,
  ];
  const { actor } = services.access.actor(ctx.caller, m.cellId);
  const choices: Choice[][] = [];
  if (m.status === 'pending' && can(actor, 'join.decide')) {
    // A request under the name of someone imported who has not used the bot yet: most likely them.
    const namesakes = services.invites.namesakes(m);
    lines.push(...namesakeLines(ctx.t, namesakes));
    choices.push(...decisionChoices(ctx.t, m.id, namesakes));
  } else if (m.status === 'active' && can(actor, 'member.edit')) {
    if (can(actor, 'member.setRole')) choices.push([choice(ctx.t('members.action.role'), `mb:role:${m.id}`)]);
    choices.push(
      [choice(ctx.t('members.action.membership'), `mb:ms:${m.id}`), choice(ctx.t('members.action.exemption'), `mb:ex:${m.id}`)],
      [choice(ctx.t(m.attachment === 'temporary' ? 'members.action.attachRegular' : 'members.action.attachTemporary'), `mb:att:${m.id}`)],
      [choice(ctx.t(m.collectsDues ? 'members.action.collectorOff' : 'members.action.collectorOn'), `mb:dues:${m.id}`)],
      [choice(ctx.t('members.action.reviewForm'), `mb:rf:${m.id}`), choice(ctx.t('members.action.duesCategory'), `mb:dc:${m.id}`)],
      [choice(ctx.t('members.action.rename'), `mb:rn:${m.id}`)],
      // Residence ties (Quy định 213): the `residenceExempt` field, handled by the residence feature.
      [choice(ctx.t('residence.cardButton'), `rx:card:${m.id}`)],
    );
    // Not on a channel yet (imported from the roll): a new personal code, or withdrawing the one handed out.
    if (can(actor, 'invite.create') && ctx.deps.repos.people.accountsOf(m.personId).length === 0) choices.push(...personalInviteButtons(ctx, m.id, { waiting: true, live: true }));
    if (can(actor, 'member.remove')) choices.push([choice(ctx.t('members.action.remove'), `mb:rm:${m.id}`)]);
  }
  choices.push([choice(ctx.t('members.backToList'), `mb:ls:${m.cellId}:0`)]);
  ctx.reply({ text: lines.join('\n'), choices, replaceOrigin: replace });
}

function today(ctx: Ctx, cellId: number): string {
  return isoDateIn(ctx.deps.clock.now(), ctx.deps.services.cells.get(cellId).timezone);
}

function askDate(ctx: Ctx, questionKey: string, memberId: number, step: string, data: Record<string, unknown>, allowOpen = false): void {
  ctx.setFlow('memberEdit', step, { ...data, memberId });
  const rows: Choice[][] = [[choice(ctx.t('common.today'), 'fl:today')]];
  if (allowOpen) rows.push([choice(ctx.t('members.noEndDate'), 'fl:none')]);
  rows.push(cancelRow(ctx));
  ctx.reply({ text: ctx.t(questionKey), choices: rows });
}

/** Typed answers inside member editing: dates and names. */
function editStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
  const { members } = ctx.deps.services;
  const memberId = Number(data.memberId);
  const target = members.get(ctx.caller, memberId);
  const folded = text.trim().toLowerCase();
  if (step === 'rename') {
    members.rename(ctx.caller, memberId, text);
    ctx.clearFlow();
    ctx.reply({ text: ctx.t('members.saved') });
    return card(ctx, memberId);
  }
  const open = step === 'exemptionTo' && (folded === 'none' || folded === 'không' || folded === 'khong');
  const date = folded === 'today' || folded === 'hôm nay' || folded === 'hom nay' ? today(ctx, target.cellId) : parseTypedDate(text, today(ctx, target.cellId));
  if (!open && date === null) {
    ctx.reply({ text: `${ctx.t('errors.MEMBER.DATE_INVALID')}\n${ctx.t('members.askDateAgain')}`, choices: [[choice(ctx.t('common.today'), 'fl:today')], cancelRow(ctx)] });
    return;
  }
  if (step === 'membershipSince') {
    members.setMembership(ctx.caller, memberId, data.membership as Membership, date as string);
  } else if (step === 'exemptionFrom') {
    if (data.kind === 'temporary') return askDate(ctx, 'members.askExemptionTo', memberId, 'exemptionTo', { ...data, from: date }, true);
    members.addExemption(ctx.caller, memberId, data.kind as ExemptionKind, date as string, null);
  } else if (step === 'exemptionTo') {
    members.addExemption(ctx.caller, memberId, data.kind as ExemptionKind, String(data.from), open ? null : (date as string));
  } else if (step === 'exemptionEnd') {
    members.endExemption(ctx.caller, memberId, date as string);
  }
  ctx.clearFlow();
  ctx.reply({ text: ctx.t('members.saved') });
  card(ctx, memberId);
}

function pickFrom<T extends string>(ctx: Ctx, textKey: string, values: readonly T[], labelKey: (v: T) => string, action: (v: T) => string): void {
  ctx.reply({ text: ctx.t(textKey), choices: [...oneColumn(values.map((v) => choice(ctx.t(labelKey(v)), action(v)))), cancelRow(ctx)] });
}

function is<T extends string>(values: readonly T[], v: string | undefined): v is T {
  return v !== undefined && (values as readonly string[]).includes(v);
}

async function memberAction(ctx: Ctx, [what, idPart, value]: string[]): Promise<void> {
  const { members } = ctx.deps.services;
  if (what === 'ls') {
    ctx.picked = parseId(idPart);
    return list(ctx, Number(value ?? 0));
  }
  const id = parseId(idPart);
  switch (what) {
    case 'v':
      return card(ctx, id);
    case 'role':
      return pickFrom(ctx, 'members.chooseRole', roles, (r) => `roles.${r}`, (r) => `mb:sr:${id}:${r}`);
    case 'sr':
      if (!is(roles, value)) break;
      members.setRole(ctx.caller, id, value as Role);
      return card(ctx, id, true);
    case 'ms':
      return pickFrom(ctx, 'members.chooseMembership', ['full', 'probationary'] as const, (v) => `members.membership.${v}`, (v) => `mb:msk:${id}:${v}`);
    case 'msk':
      if (value !== 'full' && value !== 'probationary') break;
      members.get(ctx.caller, id);
      return askDate(ctx, 'members.askMembershipSince', id, 'membershipSince', { membership: value });
    case 'ex':
      members.exemptionsOf(ctx.caller, id);
      ctx.reply({
        text: ctx.t('members.chooseExemption'),
        choices: [
          [choice(ctx.t('members.exemption.permanent'), `mb:exk:${id}:permanent`)],
          [choice(ctx.t('members.exemption.temporary'), `mb:exk:${id}:temporary`)],
          [choice(ctx.t('members.action.endExemption'), `mb:exend:${id}`)],
          cancelRow(ctx),
        ],
      });
      return;
    case 'exk':
      if (value !== 'permanent' && value !== 'temporary') break;
      members.exemptionsOf(ctx.caller, id);
      return askDate(ctx, 'members.askExemptionFrom', id, 'exemptionFrom', { kind: value });
    case 'exend':
      members.exemptionsOf(ctx.caller, id);
      return askDate(ctx, 'members.askExemptionEnd', id, 'exemptionEnd', {});
    case 'att': {
      const m = members.get(ctx.caller, id);
      members.setAttachment(ctx.caller, id, m.attachment === 'temporary' ? attachments[0] : attachments[1]);
      return card(ctx, id, true);
    }
    case 'dues': {
      const m = members.get(ctx.caller, id);
      members.setCollectsDues(ctx.caller, id, !m.collectsDues);
      return card(ctx, id, true);
    }
    case 'rf':
      return pickFrom(ctx, 'members.chooseReviewForm', reviewForms, (f) => `members.reviewForm.${f}`, (f) => `mb:srf:${id}:${f}`);
    case 'srf':
      if (!is(reviewForms, value)) break;
      members.setReviewForm(ctx.caller, id, value as ReviewForm);
      return card(ctx, id, true);
    case 'dc':
      return pickFrom(ctx, 'members.chooseDuesCategory', duesCategories, (c) => `members.duesCategory.${c}`, (c) => `mb:sdc:${id}:${c}`);
    case 'sdc':
      if (!is(duesCategories, value)) break;
      members.setDuesCategory(ctx.caller, id, value as DuesCategory);
      return card(ctx, id, true);
    case 'rn': {
      const m = members.get(ctx.caller, id);
      ctx.deps.services.access.require(ctx.caller, m.cellId, 'member.edit');
      ctx.setFlow('memberEdit', 'rename', { memberId: id });
      ctx.reply({ text: ctx.t('members.askNewName', { name: m.fullName }), choices: [cancelRow(ctx)] });
      return;
    }
    case 'rm': {
      const m = members.get(ctx.caller, id);
      ctx.deps.services.access.require(ctx.caller, m.cellId, 'member.remove');
      ctx.reply({ text: ctx.t('members.confirmRemove', { name: m.fullName }), choices: [[choice(ctx.t('members.action.removeConfirm'), `mb:rmok:${id}`)], cancelRow(ctx)] });
      return;
    }
    case 'rmok': {
      const m = members.remove(ctx.caller, id);
      ctx.reply({ text: ctx.t('members.removed', { name: m.fullName }), replaceOrigin: true });
      return;
    }
  }
  throw new DomainError('MEMBER.NOT_FOUND');
}

export const membersFeature: Feature = {
  commands: { thanhvien: (ctx) => list(ctx) },
  actions: { mb: memberAction },
  flows: { memberEdit: editStep },
};
