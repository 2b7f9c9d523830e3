import { AlignmentType, Document, Packer, Paragraph, Table, TableBorders, TableCell, TableRow, TextRun, WidthType } from 'docx';
import ExcelJS from 'exceljs';
import type { Translate } from '../conversation/i18n.js';
import { dmy, monthsOf, percent } from '../domain/summary.js';
import type { CellSummary, ScorecardLine } from '../services/summary.js';
import { memberLineText } from './summary-text.js';

const monthLabel = (m: string): string => `${m.slice(5, 7)}/${m.slice(0, 4)}`;
const isWholeYear = (cs: CellSummary): boolean => cs.summary.period.from.endsWith('-01-01') && cs.summary.period.to.endsWith('-12-31') && cs.summary.period.from.slice(0, 4) === cs.summary.period.to.slice(0, 4);

/** File names: "tong-ket-2025-01-01_2025-12-31.xlsx". */
export const fileBase = (cs: CellSummary): string => `tong-ket-${cs.summary.period.from}_${cs.summary.period.to}`;

/** The workbook: summary, attendance matrix (members × meetings), dues matrix (members × months), tasks. */
export async function buildSummaryWorkbook(t: Translate, cs: CellSummary): Promise<Buffer> {
  const s = cs.summary;
  const wb = new ExcelJS.Workbook();
  wb.creator = cs.cell.name;
  const bold = (row: ExcelJS.Row): void => {
    row.font = { bold: true };
  };

  const sum = wb.addWorksheet(t('summary.files.sheetSummary'));
  sum.columns = [{ width: 48 }, { width: 22 }];
  bold(sum.addRow([t('summary.title', { cell: cs.cell.name })]));
  sum.addRow([t('summary.period', { from: dmy(s.period.from), to: dmy(s.period.to) })]);
  sum.addRow([]);
  const figures: [string, string | number][] = [
    [t('summary.files.regularMonths'), `${s.cadence.monthsHeld.length}/${s.cadence.monthsDue.length}`],
    [t('summary.files.thematicQuarters'), `${s.cadence.quartersHeld.length}/${s.cadence.quartersDue.length}`],
    [t('summary.files.meetings'), s.meetings.length],
    [t('summary.files.attendance'), `${s.attendance.present}/${s.attendance.expected} (${percent(s.attendance.rate)})`],
    [t('summary.files.quorum'), `${s.attendance.quorumMet}/${s.attendance.quorumCounted}`],
    [t('summary.files.duesMonths'), `${s.dues.paidMemberMonths}/${s.dues.memberMonths}`],
    [t('summary.files.duesDue'), s.dues.due],
    [t('summary.files.duesPaid'), s.dues.paid],
    [t('summary.files.tasks'), `${s.assignments.onTime}/${s.assignments.late}/${s.assignments.open} (${s.assignments.total})`],
    [t('summary.files.pledges'), `${s.pledges.registered}/${s.pledges.of}`],
    [t('summary.files.reviews'), s.reviews ? `${s.reviews.submitted}/${s.reviews.of}` : '—'],
    [t('summary.files.openFeedback'), s.feedback.open],
    [t('summary.files.anonymousFeedback'), s.feedback.anonymous],
  ];
  for (const f of figures) sum.addRow(f);
  sum.addRow([]);
  bold(sum.addRow([t('summary.files.memberColumn'), t('summary.files.scoreColumn')]));
  for (const m of s.members) sum.addRow([m.fullName, m.score?.total ?? '—']);

  const att = wb.addWorksheet(t('summary.files.sheetAttendance'));
  bold(att.addRow([t('summary.files.memberColumn'), ...cs.detail.meetings.map((m) => `${dmy(m.date)} (${t(`summary.kind.${m.kind}`)})`), t('summary.files.presentColumn')]));
  for (const m of s.members) {
    const cells = cs.detail.meetings.map((mt) => {
      const a = mt.attendees.find((x) => x.memberId === m.memberId);
      return a?.status ? t(`summary.files.status.${a.status}`) : '';
    });
    att.addRow([m.fullName, ...cells, `${m.present}/${m.expected}`]);
  }
  att.getColumn(1).width = 28;

  const dues = wb.addWorksheet(t('summary.files.sheetDues'));
  const months = monthsOf(s.period);
  bold(dues.addRow([t('summary.files.memberColumn'), ...months.map(monthLabel), t('summary.files.duesDue'), t('summary.files.duesPaid')]));
  for (const m of s.members) {
    const mine = cs.detail.charges.filter((c) => c.memberId === m.memberId);
    const cells = months.map((mo) => {
      const c = mine.find((x) => x.month === mo);
      return c ? `${c.paid}/${c.due ?? '?'}` : '';
    });
    dues.addRow([m.fullName, ...cells, mine.reduce((a, c) => a + (c.due ?? 0), 0), mine.reduce((a, c) => a + c.paid, 0)]);
  }
  dues.getColumn(1).width = 28;

  const tasks = wb.addWorksheet(t('summary.files.sheetTasks'));
  bold(tasks.addRow([t('summary.files.memberColumn'), t('summary.files.taskColumn'), t('summary.files.criterionColumn'), t('summary.files.deadlineColumn'), t('summary.files.statusColumn'), t('summary.files.doneColumn')]));
  const names = new Map(s.members.map((m) => [m.memberId, m.fullName]));
  for (const a of cs.detail.assignments) tasks.addRow([names.get(a.memberId) ?? '', a.title, a.criterion, dmy(a.deadline), t(`summary.files.task.${a.status}`), a.doneOn ? dmy(a.doneOn) : '']);
  tasks.getColumn(1).width = 28;
  tasks.getColumn(2).width = 48;

  return Buffer.from(await wb.xlsx.writeBuffer());
}

const run = (s: string, opts: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number } = {}): TextRun =>
  new TextRun({ text: s, bold: opts.bold ?? false, italics: opts.italics ?? false, ...(opts.underline ? { underline: {} } : {}), ...(opts.size ? { size: opts.size } : {}) });
const para = (s: string, opts: { bold?: boolean; italics?: boolean; underline?: boolean; center?: boolean; right?: boolean; size?: number } = {}): Paragraph =>
  new Paragraph({ alignment: opts.center ? AlignmentType.CENTER : opts.right ? AlignmentType.RIGHT : AlignmentType.JUSTIFIED, spacing: { after: 60 }, children: [run(s, opts)] });

/** The report "Báo cáo sơ kết/tổng kết thực hiện mô hình Chi bộ 4 Tốt", in the party's document layout, for the secretary to edit and sign. */
export async function buildSummaryReport(t: Translate, cs: CellSummary, card: ScorecardLine[]): Promise<Buffer> {
  const s = cs.summary;
  const [y, m, d] = [cs.today.slice(0, 4), cs.today.slice(5, 7), cs.today.slice(8, 10)];
  const kind = isWholeYear(cs) ? 'year' : 'interim';
  const heading = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        children: [
          new TableCell({ borders: TableBorders.NONE, children: [para(cs.cell.superiorName.toUpperCase(), { center: true }), para(cs.cell.name.toUpperCase(), { bold: true, center: true }), para('*', { center: true })] }),
          new TableCell({ borders: TableBorders.NONE, children: [para(t('summary.files.party'), { bold: true, underline: true, center: true }), para(t('summary.files.dateLine', { day: d, month: m, year: y }), { italics: true, center: true })] }),
        ],
      }),
    ],
  });
  const body: (Paragraph | Table)[] = [
    heading,
    para(''),
    para(t(`summary.files.reportTitle.${kind}`), { bold: true, center: true, size: 30 }),
    para(t('summary.files.reportSubtitle'), { bold: true, center: true }),
    para(t('summary.period', { from: dmy(s.period.from), to: dmy(s.period.to) }), { italics: true, center: true }),
    para(''),
    para(t('summary.files.partI'), { bold: true }),
    para(t('summary.files.intro', { members: s.members.length, exempt: s.members.filter((x) => x.exempt).length })),
  ];
  for (const l of card) {
    body.push(para(`${l.criterion}. ${t(`monthlyCheck.criterion.${l.criterion}`)}`, { bold: true }));
    for (const r of l.indicators) body.push(para(`- ${r.label}: ${r.value}${r.target ? ` (${t('summary.scorecard.target', { target: r.target })})` : ''}`));
    body.push(para(`- ${t('summary.scorecard.marks', { met: l.met, notMet: l.notMet })}`));
    body.push(para(`- ${t('summary.scorecard.own')}`, { italics: true }));
  }
  body.push(para(t('summary.files.partII'), { bold: true }));
  for (const [i, x] of s.members.entries()) body.push(para(`${i + 1}. ${memberLineText(t, x)}`));
  body.push(para(t('summary.files.partIII'), { bold: true }));
  body.push(para(t('summary.lists.commend', { names: s.commend.length ? s.commend.map((x) => x.fullName).join(', ') : t('summary.lists.nobody') })));
  body.push(para(t('summary.lists.remind', { names: s.remind.length ? s.remind.map((x) => x.fullName).join(', ') : t('summary.lists.nobody') })));
  body.push(para(t('summary.lists.note'), { italics: true }));
  body.push(para(t('summary.files.partIV'), { bold: true }), para('……………………………………………………………………'), para(''));
  body.push(
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      borders: TableBorders.NONE,
      rows: [
        new TableRow({
          children: [
            new TableCell({ borders: TableBorders.NONE, children: [para(t('summary.files.recipients'), { bold: true, italics: true }), para(t('summary.files.recipientSuperior', { superior: cs.cell.superiorName })), para(t('summary.files.recipientFile'))] }),
            new TableCell({ borders: TableBorders.NONE, children: [para(t('summary.files.onBehalf'), { bold: true, center: true }), para(t('summary.files.secretaryTitle'), { bold: true, center: true }), para(''), para(''), para('')] }),
          ],
        }),
      ],
    }),
  );
  const doc = new Document({
    creator: cs.cell.name,
    title: t(`summary.files.reportTitle.${kind}`),
    styles: { default: { document: { run: { font: 'Times New Roman', size: 26 } } } },
    sections: [{ children: body }],
  });
  return Packer.toBuffer(doc);
}
