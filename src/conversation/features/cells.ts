import { DomainError } from '../../domain/errors.js';
import { checkCellName, checkFullName } from '../../domain/names.js';
import type { Ctx, Feature } from '../context.js';
import { choice } from '../message.js';
import { cancelRow, requirePrivate } from './shared.js';

/** /taochibo: name → superior committee → the secretary's own full name → confirm. */
function startCreate(ctx: Ctx): void {
  if (!requirePrivate(ctx)) return;
  if (!ctx.caller.isAdmin) throw new DomainError('AUTH.NOT_ADMIN');
  ctx.setFlow('createCell', 'name', {});
  ctx.reply({ text: ctx.t('cells.askName'), choices: [cancelRow(ctx)] });
}

function createStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
  if (step === 'name') {
    const name = checkCellName(text);
    if (!name.ok) return ask(ctx, `errors.${name.code}`, 'cells.askName');
    ctx.setFlow('createCell', 'superior', { ...data, name: name.value });
    return ask(ctx, null, 'cells.askSuperior');
  }
  if (step === 'superior') {
    const superior = checkCellName(text);
    if (!superior.ok) return ask(ctx, `errors.${superior.code}`, 'cells.askSuperior');
    ctx.setFlow('createCell', 'secretary', { ...data, superiorName: superior.value });
    return ask(ctx, null, 'cells.askSecretaryName');
  }
  if (step === 'secretary') {
    const name = checkFullName(text);
    if (!name.ok) return ask(ctx, `errors.${name.code}`, 'cells.askSecretaryName');
    const next: Record<string, unknown> = { ...data, secretaryName: name.value };
    ctx.setFlow('createCell', 'confirm', next);
    ctx.reply({
      text: ctx.t('cells.confirm', { name: String(next.name), superior: String(next.superiorName), secretary: name.value }),
      choices: [[choice(ctx.t('cells.create'), 'cc:ok')], cancelRow(ctx)],
    });
    return;
  }
  ctx.reply({ text: ctx.t('common.useButtons'), choices: [[choice(ctx.t('cells.create'), 'cc:ok')], cancelRow(ctx)] });
}

/** Re-asks a question after an invalid answer, keeping the dialogue where it is. */
function ask(ctx: Ctx, errorKey: string | null, questionKey: string): void {
  const text = errorKey ? `${ctx.t(errorKey)}\n${ctx.t(questionKey)}` : ctx.t(questionKey);
  ctx.reply({ text, choices: [cancelRow(ctx)] });
}

function confirmCreate(ctx: Ctx): void {
  const conv = ctx.conv;
  if (conv?.flow !== 'createCell' || conv.step !== 'confirm') {
    ctx.reply({ text: ctx.t('common.staleButton') });
    return;
  }
  const d = conv.data;
  const cell = ctx.deps.services.cells.create(ctx.caller, {
    name: String(d.name),
    superiorName: String(d.superiorName),
    secretaryName: String(d.secretaryName),
  });
  ctx.clearFlow();
  ctx.reply({ text: ctx.t('cells.created', { name: cell.name }), replaceOrigin: true, choices: [[choice(ctx.t('menu.invite'), 'cmd:moi')]] });
}

/** /lienket in a group: the secretary links this group to their cell. */
async function linkGroup(ctx: Ctx): Promise<void> {
  if (ctx.in.chatKind !== 'group' || ctx.in.channel !== 'telegram') {
    ctx.reply({ text: ctx.t('errors.CELL.NOT_GROUP') });
    return;
  }
  const { cells } = ctx.deps.services;
  const linked = ctx.deps.repos.cells.byTelegramGroup(ctx.in.chatId);
  const mine = cells.cellsOf(ctx.caller.personId).filter((c) => c.status === 'active' && c.role === 'secretary');
  const cellId = ctx.picked ?? linked?.id ?? (mine.length === 1 ? mine[0]?.cell.id : undefined);
  if (cellId === undefined && mine.length > 1) {
    ctx.reply({ text: ctx.t('cells.whichCell'), choices: mine.map((c) => [choice(c.cell.name, `cell:${c.cell.id}:lienket`)]) });
    return;
  }
  if (cellId === undefined) throw new DomainError(cells.cellsOf(ctx.caller.personId).length > 0 ? 'AUTH.FORBIDDEN' : 'AUTH.NOT_MEMBER');
  const cell = cells.linkGroup(ctx.caller, cellId, ctx.in.chatId);
  ctx.reply({ text: ctx.t('cells.groupLinked', { name: cell.name }) });
}

export const cellsFeature: Feature = {
  commands: { taochibo: startCreate, lienket: linkGroup },
  actions: { cc: (ctx, [what]) => (what === 'ok' ? confirmCreate(ctx) : ctx.run('huy')) },
  flows: { createCell: createStep },
};
