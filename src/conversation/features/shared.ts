import { DomainError } from '../../domain/errors.js';
import type { Role } from '../../domain/roles.js';
import type { Ctx } from '../context.js';
import { choice, type Choice } from '../message.js';

/** A choice that runs a command, so menus and typed commands share one path. */
export const cmdChoice = (label: string, command: string): Choice => choice(label, `cmd:${command}`);

export const oneColumn = (choices: Choice[]): Choice[][] => choices.map((c) => [c]);

export const cancelRow = (ctx: Ctx): Choice[] => [choice(ctx.t('common.cancel'), 'cmd:huy')];

/** Commands that only make sense in a private chat answer in a group with a pointer there. */
export function requirePrivate(ctx: Ctx): boolean {
  if (ctx.in.chatKind === 'private') return true;
  ctx.reply({ text: ctx.t('common.privateOnly') });
  return false;
}

/**
 * Runs `fn` for the cell the command is about: the group's cell in a linked group, the only
 * cell the person belongs to, or the one they pick from buttons when there are several.
 * Permission checks stay in the services; `roles` only narrows which cells are offered.
 */
export async function withCell(ctx: Ctx, command: string, roles: readonly Role[] | 'any', fn: (cellId: number) => void | Promise<void>): Promise<void> {
  const { services, repos } = ctx.deps;
  if (ctx.picked !== null) return fn(ctx.picked);
  if (ctx.in.chatKind === 'group') {
    const cell = repos.cells.byTelegramGroup(ctx.in.chatId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return fn(cell.id);
  }
  const mine = services.cells.cellsOf(ctx.caller.personId);
  const active = mine.filter((c) => c.status === 'active');
  const fitting = active.filter((c) => roles === 'any' || roles.includes(c.role as Role));
  if (fitting.length === 1) return fn((fitting[0] as (typeof fitting)[number]).cell.id);
  if (fitting.length === 0) {
    if (active.length > 0) throw new DomainError('AUTH.FORBIDDEN');
    if (mine.some((c) => c.status === 'pending')) throw new DomainError('AUTH.PENDING');
    throw new DomainError('AUTH.NOT_MEMBER');
  }
  ctx.reply({
    text: ctx.t('cells.whichCell'),
    choices: oneColumn(fitting.map((c) => choice(c.cell.name, `cell:${c.cell.id}:${command}`))),
  });
}

export function parseId(part: string | undefined): number {
  const n = Number(part);
  if (!Number.isSafeInteger(n) || n <= 0) throw new DomainError('MEMBER.NOT_FOUND');
  return n;
}

/** Role names as users read them. */
export const roleLabel = (ctx: Ctx, role: string): string => ctx.t(`roles.${role}`);
