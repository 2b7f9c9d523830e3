import { describe, expect, it } from 'vitest';
import { attachments, checkExemption, exemptionKinds, exemptionOn, isExpectedAttendee, memberships, type Exemption, type MemberFacts } from './members.js';
import { memberStatuses, roles } from './roles.js';

const temp = (from: string, to: string | null): Exemption => ({ kind: 'temporary', from, to });
const perm = (from: string): Exemption => ({ kind: 'permanent', from, to: null });

describe('exemptionOn', () => {
  const e = temp('2026-03-10', '2026-03-20');

  it.each([
    ['2026-03-09', null],
    ['2026-03-10', e],
    ['2026-03-15', e],
    ['2026-03-20', e],
    ['2026-03-21', null],
    ['2025-12-31', null],
    ['2027-01-01', null],
  ] as const)('closed range on %s', (day, want) => {
    expect(exemptionOn([e], day)).toBe(want);
  });

  it('includes a single-day exemption on that day only', () => {
    const one = temp('2026-05-01', '2026-05-01');
    expect(exemptionOn([one], '2026-04-30')).toBeNull();
    expect(exemptionOn([one], '2026-05-01')).toBe(one);
    expect(exemptionOn([one], '2026-05-02')).toBeNull();
  });

  it('treats a null end as open-ended', () => {
    const open = temp('2026-03-10', null);
    expect(exemptionOn([open], '2026-03-09')).toBeNull();
    expect(exemptionOn([open], '2026-03-10')).toBe(open);
    expect(exemptionOn([open], '2099-12-31')).toBe(open);
    const p = perm('2020-01-01');
    expect(exemptionOn([p], '2019-12-31')).toBeNull();
    expect(exemptionOn([p], '2020-01-01')).toBe(p);
    expect(exemptionOn([p], '2040-06-15')).toBe(p);
  });

  it('crosses month and year ends by string order', () => {
    const e2 = temp('2025-12-31', '2026-01-01');
    expect(exemptionOn([e2], '2025-12-30')).toBeNull();
    expect(exemptionOn([e2], '2025-12-31')).toBe(e2);
    expect(exemptionOn([e2], '2026-01-01')).toBe(e2);
    expect(exemptionOn([e2], '2026-01-02')).toBeNull();
  });

  it('returns null for no exemptions', () => {
    expect(exemptionOn([], '2026-01-01')).toBeNull();
  });

  it('finds the exemption in force among several', () => {
    const a = temp('2026-01-01', '2026-01-31');
    const b = temp('2026-03-01', '2026-03-31');
    const c = perm('2027-01-01');
    const list = [a, b, c];
    expect(exemptionOn(list, '2026-01-15')).toBe(a);
    expect(exemptionOn(list, '2026-02-15')).toBeNull();
    expect(exemptionOn(list, '2026-03-31')).toBe(b);
    expect(exemptionOn(list, '2026-12-31')).toBeNull();
    expect(exemptionOn(list, '2027-01-01')).toBe(c);
  });

  it('returns the first listed when exemptions overlap', () => {
    const a = temp('2026-01-01', '2026-01-31');
    const b = perm('2026-01-15');
    expect(exemptionOn([a, b], '2026-01-20')).toBe(a);
    expect(exemptionOn([b, a], '2026-01-20')).toBe(b);
    expect(exemptionOn([a, b], '2026-02-01')).toBe(b);
  });
});

describe('isExpectedAttendee', () => {
  const day = '2026-06-15';
  const exemptionCases = [
    { name: 'none', list: [] as Exemption[], exempt: false },
    { name: 'temporary covering the day', list: [temp('2026-06-01', '2026-06-30')], exempt: true },
    { name: 'temporary starting that day', list: [temp('2026-06-15', '2026-06-30')], exempt: true },
    { name: 'temporary ending that day', list: [temp('2026-06-01', '2026-06-15')], exempt: true },
    { name: 'temporary ended the day before', list: [temp('2026-06-01', '2026-06-14')], exempt: false },
    { name: 'temporary starting the day after', list: [temp('2026-06-16', '2026-06-30')], exempt: false },
    { name: 'open-ended temporary', list: [temp('2026-01-01', null)], exempt: true },
    { name: 'permanent from earlier', list: [perm('2020-01-01')], exempt: true },
    { name: 'permanent from later', list: [perm('2026-07-01')], exempt: false },
  ];

  const cases: { status: MemberFacts['status']; attachment: MemberFacts['attachment']; exemption: string; list: Exemption[]; want: boolean }[] = [];
  for (const status of memberStatuses)
    for (const attachment of attachments)
      for (const ex of exemptionCases) cases.push({ status, attachment, exemption: ex.name, list: ex.list, want: status === 'active' && attachment === 'regular' && !ex.exempt });

  it('covers every status × attachment × exemption', () => {
    expect(cases).toHaveLength(memberStatuses.length * attachments.length * exemptionCases.length);
  });

  it.each(cases)('$status/$attachment/$exemption → $want, whatever the role and membership', ({ status, attachment, list, want }) => {
    for (const membership of memberships)
      for (const role of roles) expect(isExpectedAttendee({ status, role, membership, attachment, exemptions: list }, day), `${role}/${membership}`).toBe(want);
  });

  it('expects an ordinary active member and no one else among the simple cases', () => {
    const base: MemberFacts = { status: 'active', role: 'member', membership: 'full', attachment: 'regular', exemptions: [] };
    expect(isExpectedAttendee(base, day)).toBe(true);
    expect(isExpectedAttendee({ ...base, membership: 'probationary' }, day)).toBe(true);
    expect(isExpectedAttendee({ ...base, status: 'pending' }, day)).toBe(false);
    expect(isExpectedAttendee({ ...base, attachment: 'temporary' }, day)).toBe(false);
    expect(isExpectedAttendee({ ...base, exemptions: [perm('2026-06-15')] }, day)).toBe(false);
  });
});

describe('checkExemption', () => {
  it.each([
    ['to after from', temp('2026-01-01', '2026-01-31'), null],
    ['same day', temp('2026-01-01', '2026-01-01'), null],
    ['open-ended', temp('2026-01-01', null), null],
    ['permanent', perm('2026-01-01'), null],
    ['to the day before from', temp('2026-01-02', '2026-01-01'), 'MEMBER.DATE_ORDER'],
    ['to a year before', temp('2026-01-01', '2025-12-31'), 'MEMBER.DATE_ORDER'],
  ] as const)('%s', (_name, e, want) => {
    expect(checkExemption(e)).toBe(want);
  });

  it('checks both kinds the same way', () => {
    for (const kind of exemptionKinds) {
      expect(checkExemption({ kind, from: '2026-05-05', to: '2026-05-04' })).toBe('MEMBER.DATE_ORDER');
      expect(checkExemption({ kind, from: '2026-05-05', to: '2026-05-05' })).toBeNull();
    }
  });
});
