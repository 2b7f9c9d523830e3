import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { permissionTable, type PrivilegedAction } from '../domain/roles.js';
import { currentExemption, type RosterRecord } from '../domain/roster.js';
import { readRosterFile } from '../reports/roster-files.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Caller } from './context.js';
import { hashCode } from './invites.js';
import { operatorImporter, type Importer, type PreviewOutcome, type RosterPreview } from './roster.js';
import { auditRows, count, grid, importRows, rosterKit, rosterSnapshot, type GridRow, type RosterKit } from './roster.testing.js';
import { actorKinds, addMember, addPerson, cloneWorld, DAY, errorCode, memberOf, MINUTE, openWorld, seedCell, standingInCell, type ActorKind, type CellFixture, type TestPerson, type TestWorld, expectedOutcome, type Expectation } from './testing.js';

// ---------------------------------------------------------------------------------------------
// fixture: the usual cell (a member in every role and status), with dues running for March

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let k: RosterKit;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
  const kit = rosterKit(template);
  // Phạm Thị Dung pays 1% of 5.000.000 đ; every active member has a charge for March.
  kit.dues.setBasis(f.actors.secretary.caller, memberOf(f, 'member').id, { fromMonth: '2026-03', category: 'insured', incomeBase: 5_000_000, fixedAmount: null });
  kit.dues.ensureCharges(f.cell.id, '2026-03');
});

afterAll(() => template.close());

beforeEach(() => {
  w = cloneWorld(template);
  k = rosterKit(w);
});

afterEach(() => w.close());

const cellId = (): number => f.cell.id;
const sec = (): Caller => f.actors.secretary.caller;
const secImporter = (): Importer => k.roster.importer(sec(), cellId());
const deputyImporter = (): Importer => k.roster.importer(f.actors.deputy.caller, cellId());

/** The preview of a clean file; fails the test with the problems otherwise. */
function previewOf(importer: Importer, rows: readonly GridRow[], fileName = 'danh-sach.xlsx'): RosterPreview {
  const outcome = k.roster.preview(importer, cellId(), grid(rows), fileName);
  if (!outcome.ok) throw new Error(`unexpected problems: ${JSON.stringify(outcome.problems)}`);
  return outcome.preview;
}

/** The problems of a refused file as "line:field:code". */
function problemsOf(outcome: PreviewOutcome): string[] {
  if (outcome.ok) throw new Error('expected problems, the file was accepted');
  return outcome.problems.map((p) => `${p.line}:${p.field ?? '-'}:${p.code}`);
}

const member = (id: number): MemberRow => {
  const m = w.repos.members.get(id);
  if (!m) throw new Error(`member ${id} is gone`);
  return m;
};
const byName = (name: string): MemberRow[] => w.repos.members.list(cellId(), ['active', 'pending', 'left', 'rejected']).filter((m) => m.fullName === name);
const oneByName = (name: string): MemberRow => {
  const found = byName(name);
  if (found.length !== 1) throw new Error(`${found.length} members named ${name}`);
  return found[0] as MemberRow;
};
const activeCount = (): number => w.repos.members.list(cellId(), ['active']).length;
const planKinds = (p: RosterPreview): string[] => p.plan.rows.map((r) => `${r.row.fullName}:${r.kind}`);

/** The roll as it is, written back in the template's columns (codes and ISO dates are accepted words too). */
function gridRowsOf(records: readonly RosterRecord[], todayIso: string): GridRow[] {
  return records.map((r) => {
    const e = currentExemption(r.exemptions, todayIso);
    return {
      fullName: r.fullName,
      role: r.role,
      membership: r.membership,
      membershipSince: r.membershipSince,
      exemption: e?.kind ?? null,
      exemptionFrom: e?.from ?? null,
      exemptionTo: e?.to ?? null,
      attachedTemporarily: r.attachedTemporarily ? 'Có' : 'Không',
      collectsDues: r.collectsDues ? 'Có' : 'Không',
      duesCategory: r.duesCategory,
      incomeBase: r.incomeBase,
      reviewForm: r.reviewForm,
      partyGroup: r.partyGroup,
    };
  });
}

/** Three new members, written the way a secretary writes them. */
const newcomers: GridRow[] = [
  {
    fullName: 'Nguyễn Thị Xuân',
    role: 'Chi ủy viên',
    membership: 'Dự bị',
    membershipSince: '15/08/2025',
    attachedTemporarily: 'Có',
    collectsDues: 'x',
    duesCategory: 'Lương hưu',
    incomeBase: '6.000.000',
    reviewForm: 'Mẫu 2B',
    partyGroup: 'Tổ 1',
  },
  {
    fullName: 'Trần Văn Yên',
    role: 'ĐV',
    membership: 'Chính thức',
    // An Excel date cell: midnight UTC of the day.
    membershipSince: new Date(Date.UTC(2001, 4, 19)),
    exemption: 'Tạm miễn sinh hoạt',
    exemptionFrom: '1/2/2026',
    exemptionTo: '31/12/2026',
    attachedTemporarily: 'Không',
    duesCategory: 'Học sinh - sinh viên',
    reviewForm: '2A',
    partyGroup: 'Tổ 2',
  },
  { fullName: 'Lý Thị Ánh' },
];

/** Imports plain new members as the operator (members with no chat account yet). */
function importNames(names: readonly string[]): MemberRow[] {
  const p = previewOf(operatorImporter, names.map((fullName) => ({ fullName })));
  k.roster.apply(operatorImporter, p.importId);
  return names.map(oneByName);
}

// ---------------------------------------------------------------------------------------------
// who may do what


function expected(action: PrivilegedAction, kind: ActorKind): Expectation {
  return expectedOutcome(action, standingInCell[kind as ActorKind]);
}

describe('permissions', () => {
  it('the table names the secretary and the deputy for import and export', () => {
    expect(permissionTable['roster.import']).toEqual(['secretary', 'deputy']);
    expect(permissionTable['roster.export']).toEqual(['secretary', 'deputy']);
  });

  it.each(actorKinds)('importer() / preview: %s', (kind) => {
    const caller = f.actors[kind].caller;
    const exp = expected('roster.import', kind);
    const before = rosterSnapshot(w.store);
    if (!exp.allowed) {
      expect(errorCode(() => k.roster.importer(caller, cellId()))).toBe(exp.code);
      expect(rosterSnapshot(w.store)).toEqual(before);
      return;
    }
    const importer = k.roster.importer(caller, cellId());
    expect(importer).toEqual({ personId: caller.personId, cellId: cellId(), rights: kind === 'secretary' ? { setRole: true, setIncome: true } : { setRole: false, setIncome: false } });
    const p = previewOf(importer, [{ fullName: 'Nguyễn Thị Xuân' }]);
    expect(importRows(w.store)).toMatchObject([{ id: p.importId, importedBy: caller.personId, status: 'preview' }]);
  });

  it('an unknown cell is refused before anything else', () => {
    expect(errorCode(() => k.roster.importer(sec(), 999_999))).toBe('CELL.NOT_FOUND');
    expect(errorCode(() => k.roster.exportRoll(sec(), 999_999))).toBe('CELL.NOT_FOUND');
    expect(errorCode(() => k.roster.personalInvites(sec(), 999_999))).toBe('CELL.NOT_FOUND');
  });

  it.each(actorKinds)('apply / cancel / resolve / current of someone else’s preview: %s', (kind) => {
    // The secretary's preview (the deputy's when the secretary is the one trying), with a name two members share.
    const twin = addMember(w, cellId(), addPerson(w, 'telegram', '700', 'Dung 2'), 'Phạm Thị Dung');
    const owner = kind === 'secretary' ? deputyImporter() : secImporter();
    const p = previewOf(owner, [{ fullName: 'Phạm Thị Dung', partyGroup: 'Tổ 5' }, { fullName: 'Nguyễn Thị Xuân' }]);
    const line = 2;
    expect(p.counts).toEqual({ created: 1, changed: 0, same: 0, ambiguous: 1 });

    const caller = f.actors[kind].caller;
    const exp = expected('roster.import', kind);
    const importers: Importer[] = [];
    if (exp.allowed) importers.push(k.roster.importer(caller, cellId()));
    else expect(errorCode(() => k.roster.importer(caller, cellId()))).toBe(exp.code);
    // The other cell's secretary has a real importer — for their own cell.
    if (kind === 'otherSecretary') importers.push(k.roster.importer(caller, f.otherCell.id));
    // Even an importer with every right (a dialogue that forgot the check) decides only its own person's file.
    importers.push({ personId: caller.personId, cellId: null, rights: { setRole: true, setIncome: true } });
    importers.push(operatorImporter);

    const before = rosterSnapshot(w.store);
    for (const importer of importers) {
      expect(errorCode(() => k.roster.apply(importer, p.importId))).toBe('ROSTER.NOT_FOUND');
      expect(errorCode(() => k.roster.cancel(importer, p.importId))).toBe('ROSTER.NOT_FOUND');
      expect(errorCode(() => k.roster.resolve(importer, p.importId, line, twin.id))).toBe('ROSTER.NOT_FOUND');
      expect(errorCode(() => k.roster.current(importer, p.importId))).toBe('ROSTER.NOT_FOUND');
    }
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(importRows(w.store)).toMatchObject([{ id: p.importId, status: 'preview', resolutions: {} }]);

    // The owner still decides it.
    k.roster.resolve(owner, p.importId, line, twin.id);
    expect(k.roster.apply(owner, p.importId)).toMatchObject({ created: 1, changed: 1 });
  });

  it('the operator’s preview is decided only at the command line', () => {
    const p = previewOf(operatorImporter, [{ fullName: 'Nguyễn Thị Xuân' }]);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.NOT_FOUND');
    expect(errorCode(() => k.roster.cancel(secImporter(), p.importId))).toBe('ROSTER.NOT_FOUND');
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(k.roster.apply(operatorImporter, p.importId).created).toBe(1);
  });

  it('an unknown import is not found', () => {
    expect(errorCode(() => k.roster.apply(secImporter(), 424242))).toBe('ROSTER.NOT_FOUND');
    expect(errorCode(() => k.roster.cancel(secImporter(), 424242))).toBe('ROSTER.NOT_FOUND');
    expect(errorCode(() => k.roster.resolve(secImporter(), 424242, 2, 0))).toBe('ROSTER.NOT_FOUND');
  });

  it.each(actorKinds)('personalInvites: %s', (kind) => {
    importNames(['Nguyễn Thị Xuân', 'Trần Văn Yên']);
    const caller = f.actors[kind].caller;
    const exp = expected('invite.create', kind);
    const before = rosterSnapshot(w.store);
    if (!exp.allowed) {
      expect(errorCode(() => k.roster.personalInvites(caller, cellId()))).toBe(exp.code);
      expect(rosterSnapshot(w.store)).toEqual(before);
      if (kind === 'otherSecretary') expect(k.roster.personalInvites(caller, f.otherCell.id).issued).toEqual([]);
      return;
    }
    const { issued } = k.roster.personalInvites(caller, cellId());
    expect(issued.map((i) => i.member.fullName).sort()).toEqual(['Nguyễn Thị Xuân', 'Trần Văn Yên']);
    expect(count(w.store, 'invites', 'member_id IS NOT NULL AND created_by = ?', memberOf(f, kind).id)).toBe(2);
    expect(auditRows(w.store, 'invite.personal').at(-1)).toMatchObject({ actorPersonId: caller.personId, details: { count: 2 } });
  });

  it.each(actorKinds)('exportRoll: %s', (kind) => {
    const caller = f.actors[kind].caller;
    const exp = expected('roster.export', kind);
    const before = rosterSnapshot(w.store);
    if (!exp.allowed) {
      expect(errorCode(() => k.roster.exportRoll(caller, cellId()))).toBe(exp.code);
      expect(rosterSnapshot(w.store)).toEqual(before);
      // The other cell's secretary gets their own roll, never this one.
      if (kind === 'otherSecretary') expect(k.roster.exportRoll(caller, f.otherCell.id).records.map((r) => r.fullName)).toEqual(['Đỗ Thị Bảy']);
      return;
    }
    const out = k.roster.exportRoll(caller, cellId());
    // Active members only: no pending request, no one who left.
    expect(out.records.map((r) => r.fullName).sort()).toEqual(['Hoàng Văn Mục', 'Lê Văn Cường', 'Nguyễn Văn An', 'Phạm Thị Dung', 'Trần Thị Bình']);
    expect(auditRows(w.store, 'roster.export')).toMatchObject([{ actorPersonId: caller.personId, details: { count: 5, income: kind === 'secretary' } }]);
  });
});

// ---------------------------------------------------------------------------------------------
// the deputy's rights and the secretary's

describe('deputy and secretary', () => {
  it('a deputy’s file may not change a role or make a leader', () => {
    const before = rosterSnapshot(w.store);
    const outcome = k.roster.preview(deputyImporter(), cellId(), grid([{ fullName: 'Phạm Thị Dung', role: 'Chi ủy viên' }, { fullName: 'Nguyễn Thị Xuân', role: 'Phó Bí thư' }, { fullName: 'Trần Văn Yên', role: 'Đảng viên' }, { fullName: 'Lê Văn Cường', role: 'CUV' }]), 'a.xlsx');
    expect(problemsOf(outcome)).toEqual(['2:role:ROLE_NOT_ALLOWED', '3:role:ROLE_NOT_ALLOWED']);
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('nobody makes a secretary by import, not even the secretary', () => {
    for (const importer of [secImporter(), operatorImporter]) {
      const outcome = k.roster.preview(importer, cellId(), grid([{ fullName: 'Phạm Thị Dung', role: 'Bí thư' }, { fullName: 'Nguyễn Văn An', role: 'Đảng viên' }, { fullName: 'Nguyễn Thị Xuân', role: 'BT' }]), 'a.xlsx');
      expect(problemsOf(outcome)).toEqual(['2:role:SECRETARY_CHANGE', '3:role:SECRETARY_CHANGE', '4:role:SECRETARY_CHANGE']);
    }
    expect(count(w.store, 'roster_imports')).toBe(0);
  });

  it('a deputy’s file with an income base is refused, for members known and new', () => {
    const before = rosterSnapshot(w.store);
    const outcome = k.roster.preview(deputyImporter(), cellId(), grid([{ fullName: 'Hoàng Văn Mục', incomeBase: 7_000_000 }, { fullName: 'Nguyễn Thị Xuân', incomeBase: '4.500.000 đ' }]), 'a.xlsx');
    expect(problemsOf(outcome)).toEqual(['2:incomeBase:INCOME_NOT_ALLOWED', '3:incomeBase:INCOME_NOT_ALLOWED']);
    if (outcome.ok) return;
    // The refusal never echoes the figure.
    expect(JSON.stringify(outcome.problems)).not.toMatch(/7000000|4\.500\.000/);
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('a deputy who collects dues may set income bases, not roles', () => {
    w.services.members.setCollectsDues(sec(), memberOf(f, 'deputy').id, true);
    const importer = deputyImporter();
    expect(importer.rights).toEqual({ setRole: false, setIncome: true });
    const p = previewOf(importer, [{ fullName: 'Hoàng Văn Mục', incomeBase: 7_000_000 }]);
    expect(p.plan.rows).toMatchObject([{ kind: 'changed', changes: [{ field: 'incomeBase', from: null, to: null }] }]);
    k.roster.apply(importer, p.importId);
    const bases = k.dues.repo.basesOf(f.targetMember.id);
    expect(bases).toMatchObject([{ fromMonth: '2026-03', category: 'insured', incomeBase: 7_000_000, createdBy: f.actors.deputy.personId }]);
    // The March charge is worked out again from the new basis: 1% of 7.000.000 đ.
    expect(k.dues.repo.chargeFor(f.targetMember.id, '2026-03')?.due).toBe(70_000);
    expect(problemsOf(k.roster.preview(importer, cellId(), grid([{ fullName: 'Hoàng Văn Mục', role: 'Chi ủy viên' }]), 'a.xlsx'))).toEqual(['2:role:ROLE_NOT_ALLOWED']);
  });

  it('the secretary changes roles', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung', role: 'Chi ủy viên' }, { fullName: 'Lê Văn Cường', role: 'Phó Bí thư' }]);
    expect(p.plan.rows).toMatchObject([
      { kind: 'changed', changes: [{ field: 'role', from: 'member', to: 'committee' }] },
      { kind: 'changed', changes: [{ field: 'role', from: 'committee', to: 'deputy' }] },
    ]);
    k.roster.apply(secImporter(), p.importId);
    expect(member(memberOf(f, 'member').id).role).toBe('committee');
    expect(member(memberOf(f, 'committee').id).role).toBe('deputy');
  });

  it('export carries the income base for the secretary and a collector only', () => {
    const dung = memberOf(f, 'member').id;
    const income = (caller: Caller) => {
      const out = k.roster.exportRoll(caller, cellId());
      return { includeIncome: out.includeIncome, dung: out.records.find((r) => r.memberId === dung)?.incomeBase, all: out.records.map((r) => r.incomeBase) };
    };
    expect(income(sec())).toMatchObject({ includeIncome: true, dung: 5_000_000 });
    const deputy = income(f.actors.deputy.caller);
    expect(deputy.includeIncome).toBe(false);
    expect(deputy.all.every((v) => v === null)).toBe(true);
    w.services.members.setCollectsDues(sec(), memberOf(f, 'deputy').id, true);
    expect(income(f.actors.deputy.caller)).toMatchObject({ includeIncome: true, dung: 5_000_000 });
    expect(auditRows(w.store, 'roster.export').map((a) => a.details?.income)).toEqual([true, false, true]);
  });
});

// ---------------------------------------------------------------------------------------------
// preview and apply

describe('preview and apply', () => {
  it('a preview writes one roster_imports row and nothing else', () => {
    const before = rosterSnapshot(w.store);
    const p = previewOf(secImporter(), newcomers, 'Danh sách chi bộ.xlsx');
    expect(p.counts).toEqual({ created: 3, changed: 0, same: 0, ambiguous: 0 });
    const after = rosterSnapshot(w.store);
    expect({ ...after, extra: { ...after.extra, roster_imports: [] } }).toEqual(before);
    expect(importRows(w.store)).toMatchObject([{ id: p.importId, cellId: cellId(), importedBy: f.actors.secretary.personId, fileName: 'Danh sách chi bộ.xlsx', status: 'preview', resolutions: {}, decidedAt: null }]);
    expect(importRows(w.store)[0]?.rows).toHaveLength(3);
  });

  it('a file with problems writes nothing at all', () => {
    const before = rosterSnapshot(w.store);
    const outcome = k.roster.preview(secImporter(), cellId(), grid([{ fullName: 'Nguyễn Thị Xuân', role: 'Trưởng ban', membershipSince: '31/02/2020' }, { fullName: 'nguyễn  thị xuân' }]), 'a.xlsx');
    expect(problemsOf(outcome)).toEqual(['2:role:ROLE_UNKNOWN', '2:membershipSince:DATE_INVALID', '3:fullName:NAME_DUPLICATE']);
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('a second file of the same person replaces their first preview; another leader’s stays', () => {
    const first = previewOf(deputyImporter(), [{ fullName: 'Nguyễn Thị Xuân' }]);
    w.clock.advance(MINUTE);
    const mine = previewOf(secImporter(), [{ fullName: 'Trần Văn Yên' }]);
    w.clock.advance(MINUTE);
    const again = previewOf(secImporter(), [{ fullName: 'Trần Văn Yên' }, { fullName: 'Lý Thị Ánh' }]);
    expect(importRows(w.store)).toMatchObject([
      { id: first.importId, status: 'preview' },
      { id: mine.importId, status: 'cancelled', rows: [], decidedAt: w.clock.now() },
      { id: again.importId, status: 'preview' },
    ]);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), mine.importId))).toBe('ROSTER.DECIDED');
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(k.roster.apply(secImporter(), again.importId).created).toBe(2);
    // The deputy's file is planned again against the roll as it is now when they press "Nhập".
    expect(k.roster.apply(deputyImporter(), first.importId).created).toBe(1);
    expect(byName('Nguyễn Thị Xuân')).toHaveLength(1);
  });

  it('apply imports every row with its fields, each on a fresh person with no account', () => {
    // 18:00 UTC on 31 March is already 1 April in Hà Nội.
    w.clock.set(Date.UTC(2026, 2, 31, 18, 0));
    const now = w.clock.now();
    const personsBefore = count(w.store, 'persons');
    const auditBefore = auditRows(w.store).length;
    const p = previewOf(secImporter(), newcomers);
    const result = k.roster.apply(secImporter(), p.importId);
    expect(result).toMatchObject({ cellId: cellId(), created: 3, changed: 0, unchanged: 0, withoutChannel: 3 });
    expect(result.missing.map((m) => m.fullName).sort()).toEqual(['Hoàng Văn Mục', 'Lê Văn Cường', 'Nguyễn Văn An', 'Phạm Thị Dung', 'Trần Thị Bình']);
    expect(activeCount()).toBe(8);
    expect(count(w.store, 'persons')).toBe(personsBefore + 3);

    const xuan = oneByName('Nguyễn Thị Xuân');
    const yen = oneByName('Trần Văn Yên');
    const anh = oneByName('Lý Thị Ánh');
    const common = { cellId: cellId(), status: 'active', joinedOn: '2026-04-01', leftOn: null, inviteId: null, createdAt: now, updatedAt: now };
    expect(xuan).toMatchObject({ ...common, role: 'committee', membership: 'probationary', membershipSince: '2025-08-15', attachment: 'temporary', collectsDues: true, duesCategory: 'pensioner', reviewForm: '2B', partyGroup: 'Tổ 1' });
    expect(yen).toMatchObject({ ...common, role: 'member', membership: 'full', membershipSince: '2001-05-19', attachment: 'regular', collectsDues: false, duesCategory: 'student', reviewForm: '2A', partyGroup: 'Tổ 2' });
    expect(anh).toMatchObject({ ...common, role: 'member', membership: 'full', membershipSince: null, attachment: 'regular', collectsDues: false, duesCategory: 'insured', reviewForm: '2A', partyGroup: null });
    const people = [xuan, yen, anh].map((m) => m.personId);
    expect(new Set(people).size).toBe(3);
    for (const personId of people) {
      expect(w.repos.people.person(personId)).toBeDefined();
      expect(w.repos.people.accountsOf(personId)).toEqual([]);
      expect(w.repos.members.ofPerson(personId)).toHaveLength(1);
    }

    expect(w.repos.members.exemptionsOf(yen.id)).toMatchObject([{ cellId: cellId(), kind: 'temporary', fromDate: '2026-02-01', toDate: '2026-12-31' }]);
    expect(w.repos.members.exemptionsOf(xuan.id)).toEqual([]);
    expect(w.repos.members.exemptionsOf(anh.id)).toEqual([]);
    // The income base starts a basis from the month of the import, in the cell's time zone.
    expect(k.dues.repo.basesOf(xuan.id)).toMatchObject([{ cellId: cellId(), fromMonth: '2026-04', category: 'pensioner', incomeBase: 6_000_000, fixedAmount: null, createdBy: f.actors.secretary.personId }]);
    expect(k.dues.repo.basesOf(yen.id)).toEqual([]);
    expect(k.dues.repo.basesOf(anh.id)).toEqual([]);

    expect(importRows(w.store)).toMatchObject([{ id: p.importId, status: 'applied', rows: [], resolutions: {}, created: 3, changed: 0, unchanged: 0, decidedAt: now }]);
    expect(auditRows(w.store).slice(auditBefore).map((a) => [a.action, a.targetMemberId, a.actorPersonId])).toEqual([
      ['member.import', xuan.id, f.actors.secretary.personId],
      ['member.import', yen.id, f.actors.secretary.personId],
      ['member.import', anh.id, f.actors.secretary.personId],
      ['roster.import', null, f.actors.secretary.personId],
    ]);
    expect(auditRows(w.store, 'member.import').map((a) => a.details)).toEqual([
      // The audit says that an income base was recorded, never the figure.
      { line: 2, created: true, incomeBase: true },
      { line: 3, created: true, incomeBase: false },
      { line: 4, created: true, incomeBase: false },
    ]);
    expect(auditRows(w.store, 'roster.import')).toMatchObject([{ cellId: cellId(), details: { importId: p.importId, file: 'danh-sach.xlsx', created: 3, changed: 0, unchanged: 0 } }]);
    for (const a of auditRows(w.store)) expect(a.raw ?? '').not.toMatch(/6000000|6\.000\.000/);
  });

  it('apply is all or nothing: a failure half-way leaves no trace', () => {
    const [xuan, yen, anh] = newcomers as [GridRow, GridRow, GridRow];
    const p = previewOf(secImporter(), [xuan, { fullName: 'Hoàng Văn Mục', partyGroup: 'Tổ 9' }, yen, anh]);
    // The database refuses the last new member, after members, a basis, an exemption, an update and audit lines were written.
    w.store.sqlite.exec(`CREATE TRIGGER refuse_anh BEFORE INSERT ON members WHEN NEW.full_name = 'Lý Thị Ánh' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toMatch(/^not a DomainError/);
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(importRows(w.store)).toMatchObject([{ status: 'preview' }]);
    w.store.sqlite.exec('DROP TRIGGER refuse_anh');
    expect(k.roster.apply(secImporter(), p.importId)).toMatchObject({ created: 3, changed: 1 });
  });

  it('apply twice imports once', () => {
    const p = previewOf(secImporter(), newcomers);
    k.roster.apply(secImporter(), p.importId);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.DECIDED');
    expect(errorCode(() => k.roster.cancel(secImporter(), p.importId))).toBe('ROSTER.DECIDED');
    expect(errorCode(() => k.roster.resolve(secImporter(), p.importId, 2, 0))).toBe('ROSTER.DECIDED');
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(byName('Nguyễn Thị Xuân')).toHaveLength(1);
    expect(count(w.store, 'dues_bases', 'income_base = 6000000')).toBe(1);
  });

  it('cancel writes nothing but the decision, and clears the rows', () => {
    const p = previewOf(secImporter(), newcomers);
    const before = rosterSnapshot(w.store);
    w.clock.advance(MINUTE);
    k.roster.cancel(secImporter(), p.importId);
    expect(importRows(w.store)).toMatchObject([{ status: 'cancelled', rows: [], resolutions: {}, created: 0, decidedAt: w.clock.now() }]);
    const after = rosterSnapshot(w.store);
    expect({ ...after, extra: { ...after.extra, roster_imports: [] } }).toEqual({ ...before, extra: { ...before.extra, roster_imports: [] } });
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.DECIDED');
    expect(activeCount()).toBe(5);
  });

  it('an income base recomputes the charge of the current month', () => {
    const dung = memberOf(f, 'member').id;
    expect(k.dues.repo.chargeFor(dung, '2026-03')?.due).toBe(50_000);
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung', incomeBase: '8.000.000' }]);
    k.roster.apply(secImporter(), p.importId);
    expect(k.dues.repo.basesOf(dung).map((b) => [b.fromMonth, b.incomeBase])).toEqual([
      ['2026-03', 5_000_000],
      ['2026-03', 8_000_000],
    ]);
    expect(k.dues.repo.chargeFor(dung, '2026-03')?.due).toBe(80_000);
  });

  it('a new dues category is a new basis when the member has one, and the charge follows', () => {
    const dung = memberOf(f, 'member').id;
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung', duesCategory: 'Lương hưu' }]);
    k.roster.apply(secImporter(), p.importId);
    expect(member(dung).duesCategory).toBe('pensioner');
    // The income base carries over; a pension pays 0,5%.
    expect(k.dues.repo.basesOf(dung).at(-1)).toMatchObject({ fromMonth: '2026-03', category: 'pensioner', incomeBase: 5_000_000 });
    expect(k.dues.repo.chargeFor(dung, '2026-03')).toMatchObject({ category: 'pensioner', due: 25_000 });
  });
});

// ---------------------------------------------------------------------------------------------
// importing again

describe('importing again', () => {
  it('the same file again changes nothing', () => {
    const rows: GridRow[] = [...newcomers, { fullName: 'Phạm Thị Dung', partyGroup: 'Tổ 3', incomeBase: 5_000_000 }, { fullName: 'Hoàng Văn Mục', exemption: 'Tạm miễn', exemptionFrom: '01/03/2026' }];
    const first = previewOf(secImporter(), rows);
    expect(first.counts).toEqual({ created: 3, changed: 1, same: 1, ambiguous: 0 });
    k.roster.apply(secImporter(), first.importId);
    w.clock.advance(DAY);
    const before = rosterSnapshot(w.store);
    const again = previewOf(secImporter(), rows);
    expect(planKinds(again)).toEqual(rows.map((r) => `${String(r.fullName)}:same`));
    const result = k.roster.apply(secImporter(), again.importId);
    expect(result).toMatchObject({ created: 0, changed: 0, unchanged: 5 });
    const after = rosterSnapshot(w.store);
    // Only the import's own row and its one audit line are new.
    expect(after.members).toEqual(before.members);
    expect(after.exemptions).toEqual(before.exemptions);
    expect(after.extra.dues_bases).toEqual(before.extra.dues_bases);
    expect(after.extra.dues_charges).toEqual(before.extra.dues_charges);
    expect(after.extra.persons).toEqual(before.extra.persons);
    expect(after.invites).toEqual(before.invites);
    expect(after.audit.slice(before.audit.length).map((a) => a.action)).toEqual(['roster.import']);
    expect(auditRows(w.store, 'roster.import').at(-1)?.details).toMatchObject({ created: 0, changed: 0, unchanged: 5 });
  });

  it('the exported roll, imported again, changes nothing', () => {
    k.roster.apply(secImporter(), previewOf(secImporter(), newcomers).importId);
    const out = k.roster.exportRoll(sec(), cellId());
    expect(out.records).toHaveLength(8);
    const p = previewOf(secImporter(), gridRowsOf(out.records, out.todayIso));
    expect(p.counts).toEqual({ created: 0, changed: 0, same: 8, ambiguous: 0 });
    expect(p.plan.missing).toEqual([]);
  });

  it('an edited file changes only what was edited, and the audit names the fields, never the income', () => {
    const out = k.roster.exportRoll(sec(), cellId());
    const rows = gridRowsOf(out.records, out.todayIso);
    const edit = (name: string, patch: GridRow): void => {
      const row = rows.find((r) => r.fullName === name);
      if (!row) throw new Error(name);
      Object.assign(row, patch);
    };
    edit('Phạm Thị Dung', { role: 'Chi ủy viên', incomeBase: '8.000.000' });
    edit('Hoàng Văn Mục', { partyGroup: 'Tổ 2' });
    edit('Lê Văn Cường', { exemption: 'Miễn công tác và sinh hoạt', exemptionFrom: '01/01/2026' });
    w.clock.advance(MINUTE);
    const before = rosterSnapshot(w.store);
    const p = previewOf(secImporter(), rows);
    expect(p.counts).toEqual({ created: 0, changed: 3, same: 2, ambiguous: 0 });
    const changes = Object.fromEntries(p.plan.rows.flatMap((r) => (r.kind === 'changed' ? [[r.row.fullName, r.changes]] : [])));
    expect(changes).toEqual({
      'Lê Văn Cường': [{ field: 'exemption', from: null, to: 'permanent:2026-01-01:' }],
      'Phạm Thị Dung': [
        { field: 'role', from: 'member', to: 'committee' },
        { field: 'incomeBase', from: null, to: null },
      ],
      'Hoàng Văn Mục': [{ field: 'partyGroup', from: null, to: 'Tổ 2' }],
    });
    k.roster.apply(secImporter(), p.importId);
    const now = w.clock.now();

    const [dung, muc, cuong] = [memberOf(f, 'member').id, f.targetMember.id, memberOf(f, 'committee').id].map(member);
    expect(dung).toMatchObject({ role: 'committee', updatedAt: now });
    expect(muc).toMatchObject({ partyGroup: 'Tổ 2', updatedAt: now });
    expect(cuong).toMatchObject({ updatedAt: now });
    const untouchedRows = before.members.filter((m) => ![dung?.id, muc?.id, cuong?.id].includes(Number(m.id)));
    expect(rosterSnapshot(w.store).members.filter((m) => untouchedRows.some((u) => u.id === m.id))).toEqual(untouchedRows);
    expect(w.repos.members.exemptionsOf(cuong?.id ?? 0)).toMatchObject([{ kind: 'permanent', fromDate: '2026-01-01', toDate: null }]);
    // Mục's running exemption is untouched.
    expect(w.repos.members.exemptionsOf(muc?.id ?? 0)).toMatchObject([{ kind: 'temporary', fromDate: '2026-03-01', toDate: null }]);
    expect(k.dues.repo.chargeFor(dung?.id ?? 0, '2026-03')?.due).toBe(80_000);

    const imports = auditRows(w.store, 'member.import');
    expect(imports.map((a) => [a.targetMemberId, a.actorPersonId, a.details])).toEqual([
      // In the file's order (the export sorts by name): Mục on line 2, Cường on 3, Dung on 5.
      [muc?.id, f.actors.secretary.personId, { line: 2, fields: 'partyGroup', partyGroup: 'Tổ 2' }],
      [cuong?.id, f.actors.secretary.personId, { line: 3, fields: 'exemption', exemption: 'permanent:2026-01-01:' }],
      [dung?.id, f.actors.secretary.personId, { line: 5, fields: 'role,incomeBase', role: 'committee' }],
    ]);
    expect(auditRows(w.store, 'roster.import')).toMatchObject([{ actorPersonId: f.actors.secretary.personId, targetMemberId: null, details: { created: 0, changed: 3, unchanged: 2 } }]);
    for (const a of auditRows(w.store)) expect(a.raw ?? '').not.toMatch(/8000000|8\.000\.000|5000000/);
  });

  it('an income base for a member whose category has none is not a change every time', () => {
    const rows: GridRow[] = [{ fullName: 'Nguyễn Thị Xuân', duesCategory: 'Học sinh - sinh viên', incomeBase: '3.000.000' }];
    k.roster.apply(secImporter(), previewOf(secImporter(), rows).importId);
    // As DuesService keeps it: a flat-rate category's basis holds no income figure.
    expect(k.dues.repo.basesOf(oneByName('Nguyễn Thị Xuân').id)).toMatchObject([{ category: 'student', incomeBase: null }]);
    const basesAfterFirst = count(w.store, 'dues_bases');
    const again = previewOf(secImporter(), rows);
    expect(planKinds(again)).toEqual(['Nguyễn Thị Xuân:same']);
    k.roster.apply(secImporter(), again.importId);
    expect(count(w.store, 'dues_bases')).toBe(basesAfterFirst);
    // The category left blank is the member's own; the figure beside another change is no change.
    const blank = previewOf(secImporter(), [{ fullName: 'Nguyễn Thị Xuân', incomeBase: 4_000_000, partyGroup: 'Tổ 6' }]);
    expect(blank.plan.rows).toMatchObject([{ kind: 'changed', changes: [{ field: 'partyGroup' }] }]);
    k.roster.apply(secImporter(), blank.importId);
    expect(count(w.store, 'dues_bases')).toBe(basesAfterFirst);
    expect(auditRows(w.store, 'member.import').at(-1)?.details).toEqual({ line: 2, fields: 'partyGroup', partyGroup: 'Tổ 6' });
    // A member moving to a category with a base does take the figure.
    const insured = previewOf(secImporter(), [{ fullName: 'Nguyễn Thị Xuân', duesCategory: 'BHXH', incomeBase: 4_000_000 }]);
    expect(insured.plan.rows).toMatchObject([{ kind: 'changed', changes: [{ field: 'duesCategory' }, { field: 'incomeBase' }] }]);
    k.roster.apply(secImporter(), insured.importId);
    expect(k.dues.repo.basesOf(oneByName('Nguyễn Thị Xuân').id).at(-1)).toMatchObject({ category: 'insured', incomeBase: 4_000_000 });
  });
});

// ---------------------------------------------------------------------------------------------
// names two members share

describe('ambiguous names', () => {
  let twin: MemberRow;
  beforeEach(() => {
    twin = addMember(w, cellId(), addPerson(w, 'telegram', '700', 'Dung 2'), 'Phạm Thị Dung');
  });

  it('asks which one; apply waits for the answer', () => {
    const p = previewOf(secImporter(), [{ fullName: 'phạm thị  dung', partyGroup: 'Tổ 4' }]);
    expect(p.plan.rows).toMatchObject([{ kind: 'ambiguous', candidates: [memberOf(f, 'member').id, twin.id].sort((a, b) => a - b) }]);
    expect(p.counts.ambiguous).toBe(1);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.AMBIGUOUS');
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(importRows(w.store)).toMatchObject([{ status: 'preview' }]);
  });

  it('an answer that is not a candidate, or a line that asks nothing, is refused', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung' }, { fullName: 'Lê Văn Cường' }]);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.resolve(secImporter(), p.importId, 2, f.targetMember.id))).toBe('ROSTER.NOT_FOUND');
    expect(errorCode(() => k.roster.resolve(secImporter(), p.importId, 2, -1))).toBe('ROSTER.NOT_FOUND');
    expect(errorCode(() => k.roster.resolve(secImporter(), p.importId, 3, memberOf(f, 'committee').id))).toBe('ROSTER.NOT_FOUND');
    expect(errorCode(() => k.roster.resolve(secImporter(), p.importId, 9, twin.id))).toBe('ROSTER.NOT_FOUND');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('resolved to one member: only that one changes', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung', partyGroup: 'Tổ 4' }]);
    const resolved = k.roster.resolve(secImporter(), p.importId, 2, twin.id);
    expect(resolved.plan.rows).toMatchObject([{ kind: 'changed', memberId: twin.id }]);
    expect(resolved.plan.missing).toContain(memberOf(f, 'member').id);
    expect(importRows(w.store)).toMatchObject([{ status: 'preview', resolutions: { '2': twin.id } }]);
    expect(k.roster.current(secImporter(), p.importId).counts).toEqual({ created: 0, changed: 1, same: 0, ambiguous: 0 });
    k.roster.apply(secImporter(), p.importId);
    expect(member(twin.id).partyGroup).toBe('Tổ 4');
    expect(member(memberOf(f, 'member').id).partyGroup).toBeNull();
    expect(importRows(w.store)).toMatchObject([{ status: 'applied', rows: [], resolutions: {}, changed: 1 }]);
  });

  it('resolved to 0: a third member of that name', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung', partyGroup: 'Tổ 4' }]);
    expect(k.roster.resolve(secImporter(), p.importId, 2, 0).plan.rows).toMatchObject([{ kind: 'new' }]);
    expect(k.roster.apply(secImporter(), p.importId).created).toBe(1);
    const all = byName('Phạm Thị Dung');
    expect(all).toHaveLength(3);
    expect(all.filter((m) => m.partyGroup === 'Tổ 4')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// the roll changed under the preview

describe('ROSTER.CHANGED', () => {
  it('a role changed after a deputy’s preview: the plan now needs a right the deputy lacks', () => {
    const p = previewOf(deputyImporter(), [{ fullName: 'Lê Văn Cường', role: 'Chi ủy viên', partyGroup: 'Tổ 3' }]);
    expect(planKinds(p)).toEqual(['Lê Văn Cường:changed']);
    w.services.members.setRole(sec(), memberOf(f, 'committee').id, 'member');
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(deputyImporter(), p.importId))).toBe('ROSTER.CHANGED');
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(member(memberOf(f, 'committee').id).partyGroup).toBeNull();
    // Still waiting: the deputy may cancel it and send the file again.
    k.roster.cancel(deputyImporter(), p.importId);
  });

  it('someone named in the file asked to join again after the preview', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Đinh Văn Khánh' }, { fullName: 'Nguyễn Thị Xuân' }]);
    expect(planKinds(p)).toEqual(['Đinh Văn Khánh:new', 'Nguyễn Thị Xuân:new']);
    w.services.invites.requestJoin(f.actors.left.personId, f.invite.id, 'Đinh Văn Khánh');
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.CHANGED');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('a member the preview matched was removed since: the file would bring them back as someone new', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung' }, { fullName: 'Nguyễn Thị Xuân' }]);
    expect(planKinds(p)).toEqual(['Phạm Thị Dung:same', 'Nguyễn Thị Xuân:new']);
    w.clock.advance(MINUTE);
    w.services.members.remove(sec(), memberOf(f, 'member').id);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.CHANGED');
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(byName('Phạm Thị Dung')).toMatchObject([{ status: 'left' }]);
    // Sent again, the file says plainly that she comes back as a new member.
    const again = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung' }, { fullName: 'Nguyễn Thị Xuân' }]);
    expect(planKinds(again)).toEqual(['Phạm Thị Dung:new', 'Nguyễn Thị Xuân:new']);
    expect(k.roster.apply(secImporter(), again.importId).created).toBe(2);
  });

  it('a candidate chosen for an ambiguous name was removed since', () => {
    const twin = addMember(w, cellId(), addPerson(w, 'telegram', '700', 'Dung 2'), 'Phạm Thị Dung');
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung', partyGroup: 'Tổ 4' }]);
    k.roster.resolve(secImporter(), p.importId, 2, twin.id);
    w.clock.advance(MINUTE);
    w.services.members.remove(sec(), twin.id);
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.CHANGED');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('a second member of a matched name appeared after the preview', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Lê Văn Cường', partyGroup: 'Tổ 3' }]);
    addMember(w, cellId(), addPerson(w, 'telegram', '701', 'Cường 2'), 'Lê Văn Cường');
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.AMBIGUOUS');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// missing and pending members

describe('missing and pending members', () => {
  it('active members the file leaves out are listed, never removed', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Phạm Thị Dung' }, { fullName: 'Hoàng Văn Mục' }]);
    const expectedMissing = [memberOf(f, 'secretary').id, memberOf(f, 'deputy').id, memberOf(f, 'committee').id].sort((a, b) => a - b);
    expect([...p.plan.missing].sort((a, b) => a - b)).toEqual(expectedMissing);
    for (const id of p.plan.missing) expect(p.members.get(id)?.status).toBe('active');
    const result = k.roster.apply(secImporter(), p.importId);
    expect(result.missing.map((m) => m.id).sort((a, b) => a - b)).toEqual(expectedMissing);
    expect(activeCount()).toBe(5);
    for (const id of expectedMissing) expect(member(id).status).toBe('active');
  });

  it('a member still waiting for approval cannot be imported over', () => {
    const before = rosterSnapshot(w.store);
    const outcome = k.roster.preview(secImporter(), cellId(), grid([{ fullName: 'Nguyễn Thị Xuân' }, { fullName: 'Vũ Văn Giang', partyGroup: 'Tổ 1' }]), 'a.xlsx');
    expect(problemsOf(outcome)).toEqual(['3:fullName:PENDING_MEMBER']);
    expect(rosterSnapshot(w.store)).toEqual(before);
    expect(memberOf(f, 'pending').status).toBe('pending');
  });

  it('someone who left is a new member when the file names them again', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Đinh Văn Khánh' }]);
    k.roster.apply(secImporter(), p.importId);
    const rows = byName('Đinh Văn Khánh');
    expect(rows.map((m) => m.status).sort()).toEqual(['active', 'left']);
    expect(rows.find((m) => m.status === 'left')?.personId).toBe(f.actors.left.personId);
  });
});

// ---------------------------------------------------------------------------------------------
// personal invites

describe('personal invites', () => {
  it('one single-use invite per active member without an account, valid for the set number of days', () => {
    const [xuan, yen] = importNames(['Nguyễn Thị Xuân', 'Trần Văn Yên']);
    const now = w.clock.now();
    const { issued } = k.roster.personalInvites(sec(), cellId());
    expect(issued.map((i) => i.member.id).sort()).toEqual([xuan?.id, yen?.id].sort());
    expect(k.roster.withoutChannel(cellId())).toBe(2);
    const rows = w.store.sqlite.prepare('SELECT * FROM invites WHERE member_id IS NOT NULL ORDER BY id').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    for (const i of issued) {
      expect(i.expiresAt).toBe(now + 30 * DAY);
      const row = rows.find((r) => r.member_id === i.member.id);
      expect(row).toMatchObject({ cell_id: cellId(), code_hash: hashCode(i.code), hint: i.code.slice(0, 4), max_uses: 1, uses: 0, expires_at: now + 30 * DAY, revoked_at: null, created_by: memberOf(f, 'secretary').id });
      // The code is kept only as its hash.
      expect(JSON.stringify(rows)).not.toContain(i.code);
      const checked = w.services.invites.check(addPerson(w, 'telegram', `80${i.member.id}`, 'Mới').personId, i.code);
      expect(checked.invite.memberId).toBe(i.member.id);
    }
    expect(auditRows(w.store, 'invite.personal')).toMatchObject([{ actorPersonId: f.actors.secretary.personId, details: { count: 2 } }]);
  });

  it('the validity follows the cell setting', () => {
    importNames(['Nguyễn Thị Xuân']);
    w.services.settings.set(sec(), cellId(), 'roster', 'personalInviteDays', 10);
    const [issued] = k.roster.personalInvites(sec(), cellId()).issued;
    expect(issued?.expiresAt).toBe(w.clock.now() + 10 * DAY);
    expect(count(w.store, 'invites', 'member_id IS NOT NULL AND expires_at = ?', w.clock.now() + 10 * DAY)).toBe(1);
  });

  it('printing again prints only members without a working code: sheets handed out keep working', () => {
    const [xuan, yen] = importNames(['Nguyễn Thị Xuân', 'Trần Văn Yên']);
    const first = k.roster.personalInvites(sec(), cellId()).issued;
    expect(first).toHaveLength(2);
    const again = k.roster.personalInvites(sec(), cellId());
    expect(again).toEqual({ issued: [], alreadyLive: 2 });
    const [lateComer] = importNames(['Lý Văn Tư']);
    expect(k.roster.personalInvites(sec(), cellId())).toMatchObject({ issued: [{ member: { id: lateComer?.id } }], alreadyLive: 2 });
    for (const i of first) expect(w.repos.invites.byHash(hashCode(i.code))).toMatchObject({ revokedAt: null, uses: 0 });
    expect(xuan && yen).toBeTruthy();
  });

  it('one member’s code anew, or withdrawn: the old code stops working', () => {
    const [xuan] = importNames(['Nguyễn Thị Xuân']);
    const [old] = k.roster.personalInvites(sec(), cellId()).issued;
    const fresh = k.roster.reissue(sec(), xuan?.id ?? 0);
    expect(w.repos.invites.byHash(hashCode(old?.code ?? ''))?.revokedAt).not.toBeNull();
    expect(k.roster.personalStatus(sec(), xuan?.id ?? 0)).toEqual({ waiting: true, live: true });
    expect(k.roster.revokePersonal(sec(), xuan?.id ?? 0)).toBe(1);
    expect(w.repos.invites.byHash(hashCode(fresh.code))?.revokedAt).not.toBeNull();
    expect(k.roster.personalStatus(sec(), xuan?.id ?? 0)).toEqual({ waiting: true, live: false });
    expect(errorCode(() => k.roster.reissue(f.actors.member.caller, xuan?.id ?? 0))).toBe('AUTH.FORBIDDEN');
    expect(errorCode(() => k.roster.revokePersonal(f.actors.member.caller, xuan?.id ?? 0))).toBe('AUTH.FORBIDDEN');
  });

  it('printing all again revokes the unused codes; a used one stays, and its member gets none', () => {
    const [xuan, yen] = importNames(['Nguyễn Thị Xuân', 'Trần Văn Yên']);
    const first = k.roster.personalInvites(sec(), cellId()).issued;
    const xuanInvite = first.find((i) => i.member.id === xuan?.id);
    if (!xuanInvite) throw new Error('no invite for Xuân');
    const newcomer = addPerson(w, 'zalo', 'z-500', 'Xuân');
    const { invite } = w.services.invites.check(newcomer.personId, xuanInvite.code);
    w.services.invites.joinPersonal(newcomer.personId, invite.id, { code: xuanInvite.code });
    w.clock.advance(MINUTE);
    const second = k.roster.personalInvites(sec(), cellId(), { all: true }).issued;
    expect(second.map((i) => i.member.id)).toEqual([yen?.id]);
    const rows = w.store.sqlite.prepare('SELECT member_id, uses, revoked_at FROM invites WHERE member_id IS NOT NULL ORDER BY id').all();
    expect(rows).toEqual([
      { member_id: xuan?.id, uses: 1, revoked_at: null },
      { member_id: yen?.id, uses: 0, revoked_at: w.clock.now() },
      { member_id: yen?.id, uses: 0, revoked_at: null },
    ]);
    const stale = first.find((i) => i.member.id === yen?.id);
    expect(errorCode(() => w.services.invites.check(addPerson(w, 'telegram', '501').personId, stale?.code ?? ''))).toBe('INVITE.REVOKED');
  });

  it('members with an account get none', () => {
    expect(k.roster.personalInvites(sec(), cellId()).issued).toEqual([]);
    expect(count(w.store, 'invites', 'member_id IS NOT NULL')).toBe(0);
    expect(auditRows(w.store, 'invite.personal')).toMatchObject([{ details: { count: 0 } }]);
  });
});

// ---------------------------------------------------------------------------------------------
// joining with a personal invite

describe('joinPersonal / declinePersonal', () => {
  /** An imported member with every field set, and their personal code. */
  function imported(): { target: MemberRow; code: string; inviteId: number } {
    const p = previewOf(secImporter(), [newcomers[0] as GridRow, newcomers[1] as GridRow]);
    k.roster.apply(secImporter(), p.importId);
    const target = oneByName('Trần Văn Yên');
    const issued = k.roster.personalInvites(sec(), cellId()).issued.find((i) => i.member.id === target.id);
    if (!issued) throw new Error('no invite');
    const inviteId = w.repos.invites.byHash(hashCode(issued.code))?.id ?? 0;
    return { target, code: issued.code, inviteId };
  }

  function join(person: TestPerson, code: string): MemberRow {
    const { invite } = w.services.invites.check(person.personId, code);
    expect(w.services.invites.personalTarget(invite).fullName).toBe('Trần Văn Yên');
    return w.services.invites.joinPersonal(person.personId, invite.id, { code });
  }

  it('the person becomes the imported member, already active, every field kept', () => {
    const { target, code, inviteId } = imported();
    const placeholder = target.personId;
    const exemptions = w.repos.members.exemptionsOf(target.id);
    const newcomer = addPerson(w, 'telegram', '500', 'Yên');
    w.clock.advance(MINUTE);
    const joined = join(newcomer, code);
    expect(joined).toEqual({ ...target, personId: newcomer.personId, inviteId, updatedAt: w.clock.now() });
    expect(member(target.id)).toEqual(joined);
    expect(w.repos.members.exemptionsOf(target.id)).toEqual(exemptions);
    expect(w.repos.people.person(placeholder)).toBeUndefined();
    expect(w.repos.invites.get(inviteId)).toMatchObject({ uses: 1, revokedAt: null });
    expect(auditRows(w.store, 'join.personal')).toMatchObject([{ cellId: cellId(), actorPersonId: newcomer.personId, targetMemberId: target.id, details: { inviteId } }]);
    expect(w.services.access.actor(newcomer.caller, cellId()).actor).toEqual({ isAdmin: false, role: 'member', status: 'active' });
    expect(k.roster.withoutChannel(cellId())).toBe(1);

    // The code is spent.
    const other = addPerson(w, 'zalo', 'z-501', 'Khác');
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => w.services.invites.check(other.personId, code))).toBe('INVITE.USED_UP');
    expect(errorCode(() => w.services.invites.joinPersonal(other.personId, inviteId, { code }))).toBe('INVITE.USED_UP');
    expect(errorCode(() => w.services.invites.declinePersonal(other.personId, inviteId, { code }))).toBe('INVITE.USED_UP');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('a new code printed before the member joined no longer works once they have', () => {
    const { target, code } = imported();
    // An old code still live (printed once more before the first was revoked) for the same member.
    const spare = k.roster.personalInvites(sec(), cellId(), { all: true }).issued.find((i) => i.member.id === target.id);
    expect(errorCode(() => w.services.invites.check(addPerson(w, 'telegram', '499').personId, code))).toBe('INVITE.REVOKED');
    join(addPerson(w, 'telegram', '500', 'Yên'), spare?.code ?? '');
    const late = w.repos.invites.insert({ cellId: cellId(), codeHash: hashCode('LATECODE2345'), hint: 'LATE', createdBy: memberOf(f, 'secretary').id, maxUses: 1, memberId: target.id, expiresAt: w.clock.now() + DAY, createdAt: w.clock.now() });
    expect(errorCode(() => w.services.invites.joinPersonal(addPerson(w, 'telegram', '502').personId, late.id, { codeHash: hashCode('LATECODE2345') }))).toBe('INVITE.USED_UP');
  });

  it('someone already active in the cell is refused and nothing changes', () => {
    const { code, inviteId } = imported();
    const dung = f.actors.member;
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => w.services.invites.check(dung.personId, code))).toBe('INVITE.ALREADY_MEMBER');
    expect(errorCode(() => w.services.invites.joinPersonal(dung.personId, inviteId, { code }))).toBe('INVITE.ALREADY_MEMBER');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('someone with a request waiting joins; the request is set aside on another person', () => {
    const { target, code, inviteId } = imported();
    const giang = f.actors.pending;
    const request = memberOf(f, 'pending');
    const joined = join(giang, code);
    expect(joined).toMatchObject({ id: target.id, personId: giang.personId, status: 'active', fullName: 'Trần Văn Yên' });
    const aside = member(request.id);
    expect(aside).toMatchObject({ status: 'rejected', fullName: 'Vũ Văn Giang' });
    expect(aside.personId).not.toBe(giang.personId);
    expect(aside.personId).not.toBe(target.personId);
    expect(w.repos.people.accountsOf(aside.personId)).toEqual([]);
    expect(w.repos.members.inCell(cellId(), giang.personId)?.id).toBe(target.id);
    expect(count(w.store, '(SELECT cell_id, person_id FROM members GROUP BY cell_id, person_id HAVING count(*) > 1)')).toBe(0);
    expect(w.repos.invites.get(inviteId)?.uses).toBe(1);
    // The approval card for the old request now finds nothing to decide.
    expect(errorCode(() => w.services.invites.decide(sec(), request.id, true))).toBe('JOIN.NOT_PENDING');
  });

  it('someone who left joins; the old membership keeps its history on another person', () => {
    const { target, code } = imported();
    const khanh = f.actors.left;
    const old = memberOf(f, 'left');
    join(khanh, code);
    const history = member(old.id);
    expect(history).toEqual({ ...old, personId: history.personId });
    expect(history.personId).not.toBe(khanh.personId);
    expect(w.repos.members.inCell(cellId(), khanh.personId)).toMatchObject({ id: target.id, status: 'active' });
  });

  it('an expired or revoked invite is refused and nothing changes', () => {
    const { code, inviteId } = imported();
    const newcomer = addPerson(w, 'telegram', '500', 'Yên');
    w.clock.advance(30 * DAY);
    let before = rosterSnapshot(w.store);
    expect(errorCode(() => w.services.invites.check(newcomer.personId, code))).toBe('INVITE.EXPIRED');
    expect(errorCode(() => w.services.invites.joinPersonal(newcomer.personId, inviteId, { code }))).toBe('INVITE.EXPIRED');
    expect(errorCode(() => w.services.invites.declinePersonal(newcomer.personId, inviteId, { code }))).toBe('INVITE.EXPIRED');
    expect(rosterSnapshot(w.store)).toEqual(before);

    w.clock.advance(-DAY);
    w.services.invites.revoke(sec(), inviteId);
    before = rosterSnapshot(w.store);
    expect(errorCode(() => w.services.invites.check(newcomer.personId, code))).toBe('INVITE.REVOKED');
    expect(errorCode(() => w.services.invites.joinPersonal(newcomer.personId, inviteId, { code }))).toBe('INVITE.REVOKED');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('a member removed before the code is used cannot be joined', () => {
    const { target, code, inviteId } = imported();
    w.services.members.remove(sec(), target.id);
    const newcomer = addPerson(w, 'telegram', '500', 'Yên');
    const before = rosterSnapshot(w.store);
    expect(errorCode(() => w.services.invites.joinPersonal(newcomer.personId, inviteId, { code }))).toBe('INVITE.NOT_FOUND');
    expect(rosterSnapshot(w.store)).toEqual(before);
  });

  it('an ordinary invite is not a personal one', () => {
    const newcomer = addPerson(w, 'telegram', '500', 'Yên');
    expect(errorCode(() => w.services.invites.joinPersonal(newcomer.personId, f.invite.id, { code: f.inviteCode }))).toBe('INVITE.NOT_FOUND');
    expect(errorCode(() => w.services.invites.declinePersonal(newcomer.personId, f.invite.id, { code: f.inviteCode }))).toBe('INVITE.NOT_FOUND');
  });

  it('“Không phải” leaves the code unused and tells the audit', () => {
    const { target, code, inviteId } = imported();
    const stranger = addPerson(w, 'telegram', '500', 'Người lạ');
    const before = rosterSnapshot(w.store);
    expect(w.services.invites.declinePersonal(stranger.personId, inviteId, { code }).id).toBe(target.id);
    const after = rosterSnapshot(w.store);
    expect({ ...after, audit: [], auditCount: 0 }).toEqual({ ...before, audit: [], auditCount: 0 });
    expect(w.repos.invites.get(inviteId)?.uses).toBe(0);
    expect(auditRows(w.store, 'invite.personalDeclined')).toMatchObject([{ actorPersonId: stranger.personId, targetMemberId: target.id, details: { inviteId } }]);
    // The right person can still use it.
    expect(join(addPerson(w, 'zalo', 'z-600', 'Yên'), code).id).toBe(target.id);
  });
});

// ---------------------------------------------------------------------------------------------
// the operator at the command line, and files

describe('operatorImporter (CLI)', () => {
  it('has every right; the import and its audit carry no person', () => {
    const before = auditRows(w.store).length;
    const p = previewOf(operatorImporter, [...newcomers, { fullName: 'Phạm Thị Dung', role: 'Phó Bí thư', incomeBase: 9_000_000 }]);
    expect(importRows(w.store)).toMatchObject([{ importedBy: null, status: 'preview' }]);
    k.roster.apply(operatorImporter, p.importId);
    expect(member(memberOf(f, 'member').id).role).toBe('deputy');
    const written = auditRows(w.store).slice(before);
    expect(written.map((a) => a.action).sort()).toEqual(['dues.setBasis', 'member.import', 'member.import', 'member.import', 'member.import', 'roster.import']);
    for (const a of written) expect(a.actorPersonId).toBeNull();
    expect(count(w.store, 'dues_bases', 'created_by IS NULL')).toBe(2);
  });
});

describe('from a CSV file', () => {
  it('readRosterFile → preview → apply', async () => {
    const csv = [
      'Họ và tên;Chức vụ đảng;Chính thức / Dự bị;Ngày kết nạp / chính thức;Tổ đảng;Ghi chú',
      'Nguyễn Thị Xuân;Đảng viên;Dự bị;5/1/2026;Tổ 1;mới chuyển đến',
      'Phạm Thị Dung;;;;Tổ 2;',
    ].join('\r\n');
    const raw = await readRosterFile(Buffer.from(`\uFEFF${csv}`, 'utf8'), 'danh sach.csv', k.vocabulary);
    const outcome = k.roster.preview(secImporter(), cellId(), raw, 'danh sach.csv');
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    expect(outcome.preview.ignored).toEqual(['Ghi chú']);
    expect(planKinds(outcome.preview)).toEqual(['Nguyễn Thị Xuân:new', 'Phạm Thị Dung:changed']);
    k.roster.apply(secImporter(), outcome.preview.importId);
    expect(oneByName('Nguyễn Thị Xuân')).toMatchObject({ membership: 'probationary', membershipSince: '2026-01-05', partyGroup: 'Tổ 1' });
    expect(member(memberOf(f, 'member').id).partyGroup).toBe('Tổ 2');
  });
});

describe('follow-ups', () => {
  it('an exemption whose end the file moves is moved, not doubled', () => {
    const [m] = importNames(['Đỗ Văn Hạnh']) as MemberRow[];
    k.roster.apply(operatorImporter, previewOf(operatorImporter, [{ fullName: 'Đỗ Văn Hạnh', exemption: 'Tạm miễn sinh hoạt', exemptionFrom: '01/01/2026', exemptionTo: '30/06/2026' }]).importId);
    const p = previewOf(operatorImporter, [{ fullName: 'Đỗ Văn Hạnh', exemption: 'Tạm miễn sinh hoạt', exemptionFrom: '01/01/2026', exemptionTo: '31/12/2026' }]);
    expect(p.plan.rows[0]).toMatchObject({ kind: 'changed', changes: [{ field: 'exemption', from: 'temporary:2026-01-01:2026-06-30', to: 'temporary:2026-01-01:2026-12-31' }] });
    k.roster.apply(operatorImporter, p.importId);
    expect(w.repos.members.exemptionsOf((m as MemberRow).id).map((e) => [e.kind, e.fromDate, e.toDate])).toEqual([['temporary', '2026-01-01', '2026-12-31']]);
  });

  it('an importer’s rights hold in its own cell only', () => {
    const mine = secImporter();
    expect(errorCode(() => k.roster.preview(mine, f.otherCell.id, grid([{ fullName: 'Ngô Thị Lụa' }]), 'x.xlsx'))).toBe('AUTH.FORBIDDEN');
  });

  it('a preview nobody decides is cleared after a day, income figures and all', () => {
    const p = previewOf(secImporter(), [{ fullName: 'Ngô Thị Lụa', incomeBase: '7.000.000' }]);
    expect(k.roster.expireStale(w.clock.now() + 23 * 3_600_000)).toBe(0);
    expect(k.roster.expireStale(w.clock.now() + 25 * 3_600_000)).toBe(1);
    expect(k.roster.repo.getImport(p.importId)).toMatchObject({ status: 'cancelled', rows: [] });
    expect(errorCode(() => k.roster.apply(secImporter(), p.importId))).toBe('ROSTER.DECIDED');
  });

  it('a personal invite is not listed with the cell’s invites, nor used up by the name dialogue', () => {
    const [m] = importNames(['Vương Văn Tín']) as MemberRow[];
    const issued = k.roster.personalInvites(sec(), cellId()).issued.find((i) => i.member.id === (m as MemberRow).id);
    const invite = w.repos.invites.byHash(hashCode(issued?.code ?? ''));
    expect(invite).toBeDefined();
    expect(w.services.invites.listActive(sec(), cellId()).some((i) => i.id === invite?.id)).toBe(false);
    const stranger = f.actors.outsider.caller;
    expect(errorCode(() => w.services.invites.requestJoin(stranger.personId, invite?.id ?? 0, 'Vương Văn Tín'))).toBe('INVITE.NOT_FOUND');
    expect(w.repos.invites.get(invite?.id ?? 0)?.uses).toBe(0);
  });
});
