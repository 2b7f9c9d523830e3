/**
 * The versioned rules table: every number the party's documents set, with the document that sets it.
 * A change of regulation is one more entry; `rulesOn(date)` picks the entry in force that day.
 */
export interface SourceDocument {
  number: string;
  date: string; // ISO date of signature
}

export interface DuesRates {
  /** Share of the social-insurance salary base (or salary, before 2026) for insured members. */
  insuredRate: number;
  sickLeaveRate: number;
  pensionRate: number;
  /** Fixed monthly amount for students, in đồng. */
  studentAmount: number;
  /** Default fixed amount for farmers and others (a per-cell setting), in đồng. */
  otherDefaultAmount: number;
  otherRange: readonly [number, number];
  hardshipReductions: readonly number[];
  hardshipMaxMonths: number;
  exemptAfterYears: number;
  /** What the insured rate applies to: the month's salary (342) or last month's social-insurance salary base (01). */
  insuredBase: 'salary' | 'insuranceBasePreviousMonth';
  /** Grounds for exemption from dues entirely (hardship is decided separately, with a percentage). */
  exemptionGrounds: readonly ('fifty_years' | 'social_pension' | 'poor_household' | 'serious_illness')[];
  /** Where dues can be paid online (Cổng Dịch vụ công Quốc gia). */
  portalUrl: string;
  /** How far ahead a member temporarily exempt from activities may pay, in months, when the exemption has no end date. */
  advanceMaxMonths: number;
}

export interface RuleSet {
  id: string;
  inForceFrom: string; // ISO date
  sources: {
    meetings: SourceDocument[];
    members: SourceDocument[];
    dues: SourceDocument[];
    review: SourceDocument[];
    removal: SourceDocument[];
    residence: SourceDocument[];
  };
  meetings: {
    minMinutes: number;
    minMinutesWithThematic: number;
    noticeHours: number;
    thematicPerQuarter: number;
  };
  /** Default quorum: share of expected full members that must be exceeded (a per-cell setting). */
  quorumDefault: 'half' | 'twoThirds';
  removal: { monthsPerYear: number; warnAt: number };
  dues: DuesRates;
  review: { levels: readonly { key: string; minScore: number }[] };
}

const doc = (number: string, date: string): SourceDocument => ({ number, date });

const before2025: RuleSet = {
  id: '2018',
  inForceFrom: '2018-07-06',
  sources: {
    meetings: [doc('Hướng dẫn 12-HD/BTCTW', '2018-07-06')],
    members: [doc('Hướng dẫn 12-HD/BTCTW', '2022-01-18')],
    dues: [doc('Quy định 342-QĐ/TW', '2010-12-28')],
    review: [doc('Quy định 124-QĐ/TW', '2023-10-04')],
    removal: [doc('Điều lệ Đảng, Điều 8', '2011-01-19'), doc('Quy định 24-QĐ/TW', '2021-07-30')],
    residence: [doc('Quy định 213-QĐ/TW', '2020-01-02')],
  },
  meetings: { minMinutes: 90, minMinutesWithThematic: 120, noticeHours: 24, thematicPerQuarter: 1 },
  quorumDefault: 'half',
  removal: { monthsPerYear: 3, warnAt: 2 },
  dues: {
    insuredRate: 0.01,
    sickLeaveRate: 0.01,
    pensionRate: 0.005,
    studentAmount: 2_000,
    otherDefaultAmount: 10_000,
    otherRange: [2_000, 30_000],
    hardshipReductions: [0.3, 0.5, 0.7],
    hardshipMaxMonths: 12,
    exemptAfterYears: 50,
    insuredBase: 'salary',
    exemptionGrounds: ['fifty_years', 'social_pension', 'poor_household', 'serious_illness'],
    portalUrl: 'https://dichvucong.gov.vn',
    advanceMaxMonths: 12,
  },
  review: {
    levels: [
      { key: 'excellent', minScore: 90 },
      { key: 'good', minScore: 70 },
      { key: 'completed', minScore: 50 },
      { key: 'notCompleted', minScore: 0 },
    ],
  },
};

const from2025: RuleSet = {
  ...before2025,
  id: '2025-10',
  inForceFrom: '2025-10-28',
  sources: {
    ...before2025.sources,
    meetings: [doc('Chỉ thị 50-CT/TW', '2025-07-23'), doc('Hướng dẫn 42-HD/BTCTW', '2025-10-28')],
    review: [doc('Quy định 366-QĐ/TW', '2025-08-30'), doc('Hướng dẫn 43-HD/BTCTW', '2025-10-31')],
  },
};

const from2026: RuleSet = {
  ...from2025,
  id: '2026-02',
  inForceFrom: '2026-02-01',
  sources: { ...from2025.sources, dues: [doc('Quy định 01-QĐ/TW', '2026-02-03')] },
  // Quy định 01-QĐ/TW: 1 % of last month's social-insurance salary base; students 5,000 đ.
  dues: { ...from2025.dues, studentAmount: 5_000, insuredBase: 'insuranceBasePreviousMonth' },
};

/** Oldest first. */
export const ruleSets: readonly RuleSet[] = [before2025, from2025, from2026];

export function rulesOn(isoDate: string): RuleSet {
  let current = ruleSets[0] as RuleSet;
  for (const set of ruleSets) if (set.inForceFrom <= isoDate) current = set;
  return current;
}

/** "Hướng dẫn 42-HD/BTCTW (28/10/2025)" style citations for help texts. */
export function cite(docs: readonly SourceDocument[]): string {
  return docs.map((d) => `${d.number} (${d.date.slice(8, 10)}/${d.date.slice(5, 7)}/${d.date.slice(0, 4)})`).join(', ');
}
