import { AlignmentType, Document, Packer, Paragraph, Table, TableBorders, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Translate } from '../conversation/i18n.js';
import type { ReviewForm } from '../domain/members.js';
import { formSections, sectionText, type NoteContent, type SectionKey } from '../domain/selfReview.js';

export interface SelfReviewDocInput {
  cellName: string;
  superiorName: string;
  memberName: string;
  /** The author's role in the cell, as read ("Chi ủy viên"). */
  role: string;
  form: ReviewForm;
  seasonLabel: string;
  content: NoteContent;
  /** The day it was submitted, dd/mm/yyyy. */
  date: string;
}

const FONT = 'Times New Roman';
const SIZE = 26; // half-points: 13 pt, as official documents are typed
const roman = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

const run = (text: string, opts: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number } = {}): TextRun =>
  new TextRun({ text, font: FONT, size: opts.size ?? SIZE, bold: opts.bold ?? false, italics: opts.italics ?? false, ...(opts.underline ? { underline: {} } : {}) });

const para = (children: TextRun[], opts: { align?: (typeof AlignmentType)[keyof typeof AlignmentType]; before?: number; after?: number; indent?: boolean } = {}): Paragraph =>
  new Paragraph({
    children,
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    spacing: { before: opts.before ?? 0, after: opts.after ?? 60, line: 300 },
    ...(opts.indent ? { indent: { firstLine: 567 } } : {}),
  });

const centred = (children: TextRun[], after = 0): Paragraph => para(children, { align: AlignmentType.CENTER, after });

/** The section's heading: form-specific for the results section. */
export function sectionTitle(t: Translate, form: ReviewForm, key: SectionKey): string {
  return key === 'results' ? t(`selfReview.section.results${form}`) : t(`selfReview.section.${key}`);
}

/** "26/11/2026" → "ngày 26 tháng 11 năm 2026" (through the locale). */
function longDate(t: Translate, ddmmyyyy: string): string {
  const [d, m, y] = ddmmyyyy.split('/');
  return t('selfReview.doc.date', { d: d ?? '', m: m ?? '', y: y ?? '' });
}

/**
 * The personal review (bản kiểm điểm cá nhân) as a Word file laid out like the standard form:
 * the party header in two columns, the form's number, the title and period, who writes, the
 * numbered sections, the self-assessed level, and room to sign and for the cell's assessment.
 */
export async function selfReviewDocx(input: SelfReviewDocInput, t: Translate): Promise<Buffer> {
  const header = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        children: [
          new TableCell({
            width: { size: 45, type: WidthType.PERCENTAGE },
            children: [centred([run(input.superiorName.toUpperCase())]), centred([run(input.cellName.toUpperCase(), { bold: true })]), centred([run('*')])],
          }),
          new TableCell({
            width: { size: 55, type: WidthType.PERCENTAGE },
            children: [centred([run(t('selfReview.doc.party'), { bold: true, underline: true })]), centred([run('')]), centred([run(t('selfReview.doc.placeDate', { date: longDate(t, input.date) }), { italics: true })])],
          }),
        ],
      }),
    ],
  });

  const body: Paragraph[] = [
    para([run(t('selfReview.doc.formNo', { form: input.form }), { bold: true })], { align: AlignmentType.RIGHT, before: 120 }),
    centred([run(t('selfReview.doc.title'), { bold: true, size: 30 })], 0),
    centred([run(input.seasonLabel, { bold: true })], 0),
    centred([run(t(`selfReview.doc.for${input.form}`), { italics: true })], 200),
    para([run(`${t('selfReview.doc.name')}: `), run(input.memberName, { bold: true })]),
    para([run(`${t('selfReview.doc.role')}: ${input.role}`)]),
    para([run(`${t('selfReview.doc.cell')}: ${input.cellName}`)], { after: 160 }),
  ];

  formSections[input.form].forEach((key, i) => {
    body.push(para([run(`${roman[i] ?? String(i + 1)}. ${sectionTitle(t, input.form, key).toUpperCase()}`, { bold: true })], { before: 160 }));
    if (key === 'selfAssessment') {
      const level = input.content.level ? t(`selfReview.level.${input.content.level}`) : '…';
      body.push(para([run(`${t('selfReview.doc.levelChosen')}: `), run(level, { bold: true })], { indent: true }));
    }
    const text = sectionText(input.content, key);
    const paragraphs = text.length > 0 ? text.split('\n') : key === 'selfAssessment' ? [] : [t('selfReview.doc.none')];
    for (const p of paragraphs) body.push(para([run(p)], { indent: true }));
  });

  const signature = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        children: [
          new TableCell({ width: { size: 50, type: WidthType.PERCENTAGE }, children: [centred([run('')])] }),
          new TableCell({
            width: { size: 50, type: WidthType.PERCENTAGE },
            children: [centred([run(t('selfReview.doc.signer'), { bold: true })]), centred([run(t('selfReview.doc.sign'), { italics: true })], 900), centred([run(input.memberName, { bold: true })])],
          }),
        ],
      }),
    ],
  });

  const assessment = [
    para([run(t('selfReview.doc.cellAssessment'), { bold: true })], { before: 360 }),
    ...[0, 1, 2].map(() => para([run('.'.repeat(110))])),
    para([run(t('selfReview.doc.cellLevel'))]),
  ];

  const doc = new Document({
    creator: 'Chi bộ 4 Tốt',
    title: `${t('selfReview.doc.title')} — ${input.memberName}`,
    styles: { default: { document: { run: { font: FONT, size: SIZE } } } },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1701, right: 1134 } } },
        children: [header, ...body, signature, ...assessment],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
