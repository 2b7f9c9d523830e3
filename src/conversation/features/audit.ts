import type { Ctx, Feature } from '../context.js';
import { formatDateTime } from '../format.js';
import { requirePrivate, withCell } from './shared.js';

/** /nhatky: the secretary reads who did what to whom, most recent first. */
function showAudit(ctx: Ctx): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  return withCell(ctx, 'nhatky', ['secretary'], (cellId) => {
    const { services, repos } = ctx.deps;
    services.access.require(ctx.caller, cellId, 'audit.read');
    const cell = services.cells.get(cellId);
    const members = new Map(repos.members.list(cellId, ['active', 'pending', 'left', 'rejected']).map((m) => [m.id, m]));
    const byPerson = new Map([...members.values()].map((m) => [m.personId, m.fullName]));
    const rows = repos.audit.recent(cellId, 20);
    const lines = rows.map((r) => {
      const who = r.actorPersonId === null ? ctx.t('audit.system') : (byPerson.get(r.actorPersonId) ?? ctx.t('audit.someone'));
      const target = r.targetMemberId === null ? '' : ` → ${members.get(r.targetMemberId)?.fullName ?? ''}`;
      const action = ctx.t(`audit.actions.${r.action.replace('.', '_')}`, { defaultValue: r.action });
      return `• ${formatDateTime(r.createdAt, cell.timezone, ctx.locale)} — ${who}: ${action}${target}`;
    });
    ctx.reply({ text: [ctx.t('audit.title', { cell: cell.name }), ...(lines.length > 0 ? lines : [ctx.t('audit.empty')])].join('\n') });
  });
}

export const auditFeature: Feature = { commands: { nhatky: showAudit } };
