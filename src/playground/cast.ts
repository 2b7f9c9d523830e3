import type { DuesCategory, ExemptionKind, Membership } from '../domain/members.js';
import type { Role } from '../domain/roles.js';
import type { ChannelName } from '../store/repos/people.js';

/** One person of the sample cell: who they are in the cell and which chat app they use. */
export interface CastMember {
  /** Stable key the page and its API use for this person. */
  key: string;
  fullName: string;
  channel: ChannelName;
  /** Telegram user id (digits) or Zalo user id (20 hex digits), fixed so a restart finds the same people. */
  externalId: string;
  role: Role;
  membership: Membership;
  /** Months since the member was admitted as probationary (probationary members only). */
  probationaryMonths?: number;
  exemption?: { kind: ExemptionKind; monthsAgo: number; months: number | null };
  collectsDues?: boolean;
  dues: { category: DuesCategory; incomeBase: number | null };
}

export const SAMPLE_CELL = { name: 'Chi bộ Khu phố 5', superior: 'Đảng ủy phường Bến Thành' } as const;

/** The cell's Telegram group (a supergroup id, as Telegram gives them). */
export const SAMPLE_GROUP = { id: -1007100000001, type: 'supergroup' as const, title: 'Chi bộ Khu phố 5' };

/**
 * A secretary, a deputy, a committee member who collects dues, and eight members of every kind:
 * full, probationary, exempt permanently and for a while, one of them on Zalo.
 */
export const CAST: readonly CastMember[] = [
  { key: 'hung', fullName: 'Nguyễn Văn Hùng', channel: 'telegram', externalId: '710001', role: 'secretary', membership: 'full', dues: { category: 'insured', incomeBase: 12_000_000 } },
  { key: 'mai', fullName: 'Trần Thị Mai', channel: 'telegram', externalId: '710002', role: 'deputy', membership: 'full', dues: { category: 'insured', incomeBase: 9_500_000 } },
  { key: 'nam', fullName: 'Lê Văn Nam', channel: 'telegram', externalId: '710003', role: 'committee', membership: 'full', collectsDues: true, dues: { category: 'insured', incomeBase: 8_000_000 } },
  { key: 'lan', fullName: 'Phạm Thị Lan', channel: 'telegram', externalId: '710004', role: 'member', membership: 'full', dues: { category: 'insured', incomeBase: 7_200_000 } },
  { key: 'duc', fullName: 'Hoàng Văn Đức', channel: 'telegram', externalId: '710005', role: 'member', membership: 'full', dues: { category: 'pensioner', incomeBase: 6_400_000 } },
  { key: 'hong', fullName: 'Vũ Thị Hồng', channel: 'telegram', externalId: '710006', role: 'member', membership: 'full', dues: { category: 'insured', incomeBase: 6_800_000 } },
  { key: 'tung', fullName: 'Đặng Văn Tùng', channel: 'telegram', externalId: '710007', role: 'member', membership: 'probationary', probationaryMonths: 5, dues: { category: 'insured', incomeBase: 5_500_000 } },
  { key: 'thu', fullName: 'Bùi Thị Thu', channel: 'telegram', externalId: '710008', role: 'member', membership: 'probationary', probationaryMonths: 2, dues: { category: 'student', incomeBase: null } },
  { key: 'binh', fullName: 'Ngô Văn Bình', channel: 'telegram', externalId: '710009', role: 'member', membership: 'full', exemption: { kind: 'permanent', monthsAgo: 14, months: null }, dues: { category: 'pensioner', incomeBase: 4_800_000 } },
  { key: 'hanh', fullName: 'Đỗ Thị Hạnh', channel: 'telegram', externalId: '710010', role: 'member', membership: 'full', exemption: { kind: 'temporary', monthsAgo: 1, months: 4 }, dues: { category: 'sick_leave', incomeBase: 5_200_000 } },
  { key: 'long', fullName: 'Phan Văn Long', channel: 'zalo', externalId: '5a1c0e7b9d2f4c6a8e01', role: 'member', membership: 'full', dues: { category: 'other', incomeBase: null } },
];

/** How Telegram shows the person: family and middle names first, the given name last. */
export function telegramUser(m: CastMember): { id: number; first_name: string; last_name?: string; language_code: string } {
  const parts = m.fullName.split(' ');
  const given = parts.pop() ?? m.fullName;
  return { id: Number(m.externalId), first_name: parts.length > 0 ? parts.join(' ') : given, ...(parts.length > 0 ? { last_name: given } : {}), language_code: 'vi' };
}

export const castMember = (key: string): CastMember | undefined => CAST.find((m) => m.key === key);
