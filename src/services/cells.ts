import { DomainError } from '../domain/errors.js';
import { checkCellName, checkFullName } from '../domain/names.js';
import type { CellRow } from '../store/repos/cells.js';
import type { ChannelName } from '../store/repos/people.js';
import { isoDateIn } from '../conversation/format.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';

export interface NewCell {
  name: string;
  superiorName: string;
  secretaryName: string;
}

export class CellService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: Access,
  ) {}

  /** A bot admin creates a cell and becomes its secretary. */
  create(caller: Caller, input: NewCell): CellRow {
    if (!caller.isAdmin) throw new DomainError('AUTH.NOT_ADMIN');
    return this.createFor(caller.personId, input, caller.personId);
  }

  /** The CLI's way: the secretary is named by their channel account. */
  createFromCli(input: NewCell & { channel: ChannelName; externalId: string }): CellRow {
    // Check every name before any row is written, so a refusal leaves nothing behind.
    for (const check of [checkCellName(input.name), checkCellName(input.superiorName), checkFullName(input.secretaryName)]) {
      if (!check.ok) throw new DomainError(check.code);
    }
    const account = this.deps.repos.people.touchAccount(input.channel, input.externalId, input.secretaryName, this.deps.clock.now());
    return this.createFor(account.personId, input, null);
  }

  private createFor(personId: number, input: NewCell, actorPersonId: number | null): CellRow {
    const name = checkCellName(input.name);
    if (!name.ok) throw new DomainError(name.code);
    const superior = checkCellName(input.superiorName);
    if (!superior.ok) throw new DomainError(superior.code);
    const secretary = checkFullName(input.secretaryName);
    if (!secretary.ok) throw new DomainError(secretary.code);
    const { repos, clock, settings } = this.deps;
    const now = clock.now();
    return this.deps.store.db.transaction(() => {
      const cell = repos.cells.create({
        name: name.value,
        superiorName: superior.value,
        timezone: settings.defaultTimezone,
        locale: settings.defaultLocale,
        createdAt: now,
      });
      const member = repos.members.insert({
        cellId: cell.id,
        personId,
        fullName: secretary.value,
        role: 'secretary',
        status: 'active',
        joinedOn: isoDateIn(now, settings.defaultTimezone),
        createdAt: now,
        updatedAt: now,
      });
      repos.audit.record({ cellId: cell.id, actorPersonId, action: 'cell.create', targetMemberId: member.id, createdAt: now });
      return cell;
    });
  }

  list(caller: Caller): CellRow[] {
    if (!caller.isAdmin) throw new DomainError('AUTH.NOT_ADMIN');
    return this.deps.repos.cells.list();
  }

  listAll(): CellRow[] {
    return this.deps.repos.cells.list();
  }

  get(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  /** Cells where the person is an active member, or pending (so they can be told they wait). */
  cellsOf(personId: number): { cell: CellRow; role: string; status: string; memberId: number }[] {
    const rows = this.deps.repos.members.ofPerson(personId).filter((m) => m.status === 'active' || m.status === 'pending');
    const cells = new Map(this.deps.repos.cells.byIds(rows.map((m) => m.cellId)).map((c) => [c.id, c]));
    return rows.flatMap((m) => {
      const cell = cells.get(m.cellId);
      return cell ? [{ cell, role: m.role, status: m.status, memberId: m.id }] : [];
    });
  }

  /** Links the Telegram group the command was sent in; only the cell's secretary may. */
  linkGroup(caller: Caller, cellId: number, groupChatId: string): CellRow {
    this.access.require(caller, cellId, 'cell.linkGroup');
    const { repos, clock } = this.deps;
    const cell = this.get(cellId);
    const taken = repos.cells.byTelegramGroup(groupChatId);
    if (taken && taken.id !== cellId) throw new DomainError('CELL.GROUP_TAKEN');
    if (cell.telegramGroupId === groupChatId) return cell;
    if (cell.telegramGroupId !== null) throw new DomainError('CELL.GROUP_ALREADY_LINKED');
    repos.cells.update(cellId, { telegramGroupId: groupChatId });
    repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'cell.linkGroup', createdAt: clock.now() });
    return { ...cell, telegramGroupId: groupChatId };
  }

  /** Unlinks the current group so another one can be linked. */
  unlinkGroup(caller: Caller, cellId: number): void {
    this.access.require(caller, cellId, 'cell.linkGroup');
    this.deps.repos.cells.update(cellId, { telegramGroupId: null });
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'cell.unlinkGroup', createdAt: this.deps.clock.now() });
  }
}
