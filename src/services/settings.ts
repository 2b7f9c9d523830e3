import { DomainError } from '../domain/errors.js';
import { cellSettingsSchema, readSettings, type CellSettings } from '../domain/settings.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';

export type SettingSection = keyof CellSettings;

/** Per-cell settings: anyone in the cell reads them, the secretary changes them. */
export class SettingsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: Access,
  ) {}

  /** For services and jobs: no permission check, defaults filled in. */
  of(cellId: number): CellSettings {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return readSettings(cell.settings);
  }

  view(caller: Caller, cellId: number): CellSettings {
    this.access.require(caller, cellId, 'members.list');
    return this.of(cellId);
  }

  /** Sets one value; invalid values are refused with SETTINGS.INVALID and nothing changes. */
  set<S extends SettingSection>(caller: Caller, cellId: number, section: S, key: string, value: unknown): CellSettings {
    this.access.require(caller, cellId, 'cell.settings');
    const current = this.of(cellId);
    const next = { ...current, [section]: { ...current[section], [key]: value } };
    const parsed = cellSettingsSchema.safeParse(next);
    if (!parsed.success || !(key in current[section])) throw new DomainError('SETTINGS.INVALID');
    this.deps.repos.cells.update(cellId, { settings: parsed.data as unknown as Record<string, unknown> });
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'cell.settings', details: { setting: `${section}.${key}` }, createdAt: this.deps.clock.now() });
    return parsed.data;
  }

  setTimezone(caller: Caller, cellId: number, timezone: string): void {
    this.access.require(caller, cellId, 'cell.settings');
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      throw new DomainError('SETTINGS.INVALID');
    }
    this.deps.repos.cells.update(cellId, { timezone });
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'cell.settings', details: { setting: 'timezone' }, createdAt: this.deps.clock.now() });
  }
}
