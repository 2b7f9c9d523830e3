import { describe, expect, it } from 'vitest';
import { Translator } from '../conversation/i18n.js';
import { reviewForms } from '../domain/members.js';
import { formSections } from '../domain/selfReview.js';
import { completeNote, zipEntry } from '../services/feedback.testing.js';
import { sectionTitle, selfReviewDocx } from './self-review.js';

const t = new Translator('vi').for('vi');
const base = { cellName: 'Chi bộ Khu phố 3', superiorName: 'Đảng ủy phường Bến Nghé', memberName: 'Nguyễn Văn An', role: 'Đảng viên', seasonLabel: 'năm 2026', date: '26/11/2026' };

describe('the Word file of a self-criticism', () => {
  it.each(reviewForms)('lays out form %s: header, title, who, every section in order, level, signatures', async (form) => {
    const content = completeNote(form, 'Đoạn');
    content.sections.ethics = ['Dòng một', 'Dòng hai'];
    const docx = await selfReviewDocx({ ...base, form, content }, t);
    const xml = zipEntry(docx, 'word/document.xml') ?? '';
    for (const s of ['ĐẢNG CỘNG SẢN VIỆT NAM', 'ĐẢNG ỦY PHƯỜNG BẾN NGHÉ', 'CHI BỘ KHU PHỐ 3', `Mẫu ${form}`, 'BẢN KIỂM ĐIỂM CÁ NHÂN', 'năm 2026', 'ngày 26 tháng 11 năm 2026', 'Nguyễn Văn An', 'Dòng một', 'Dòng hai', 'Hoàn thành tốt nhiệm vụ', 'NGƯỜI TỰ KIỂM ĐIỂM', 'NHẬN XÉT, ĐÁNH GIÁ CỦA CHI BỘ', t(`selfReview.doc.for${form}`)]) {
      expect(xml, s).toContain(s);
    }
    let last = -1;
    formSections[form].forEach((key, i) => {
      const heading = `${['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'][i]}. ${sectionTitle(t, form, key).toUpperCase()}`;
      const at = xml.indexOf(heading);
      expect(at, heading).toBeGreaterThan(last);
      last = at;
    });
    // The optional section left empty says so rather than staying blank.
    expect(xml).toContain('Không có.');
  });

  it('uses the form-specific heading for results', () => {
    expect(sectionTitle(t, '2B', 'results')).toContain('cơ quan, đơn vị phụ trách');
    expect(sectionTitle(t, '2C', 'results')).toContain('nghĩa vụ công dân');
    expect(sectionTitle(t, '2A', 'ethics')).toBe('Về phẩm chất đạo đức, lối sống');
  });

  it('escapes what the member typed: it stays text, never markup', async () => {
    const content = completeNote('2A');
    content.sections.ethics = ['<w:t>chèn</w:t> & "ngoặc"'];
    const xml = zipEntry(await selfReviewDocx({ ...base, form: '2A', content }, t), 'word/document.xml') ?? '';
    expect(xml).toContain('&lt;w:t&gt;chèn&lt;/w:t&gt; &amp;');
  });
});
