import { describe, expect, it } from 'vitest';
import { reviewForms } from './members.js';
import { rulesOn } from './rules.js';
import {
  addDaysIso,
  checkLabel,
  checkSeasonDeadline,
  clearSection,
  countSeason,
  emptyNote,
  explainLevel,
  fitToForm,
  formSections,
  isFilled,
  isReviewLevel,
  isSectionKey,
  missingSections,
  nextSection,
  nudgeWindow,
  optionalSections,
  parseNote,
  progress,
  reviewLevels,
  SECTION_MAX_CHARS,
  sectionKeys,
  sectionText,
  setLevel,
  writeSection,
  type NoteContent,
} from './selfReview.js';

const write = (c: NoteContent, key: Parameters<typeof writeSection>[2], text: string, mode: 'append' | 'replace' = 'append'): NoteContent => {
  const r = writeSection('2A', c, key, text, mode);
  if (!r.ok) throw new Error(r.code);
  return r.value;
};

describe('forms', () => {
  it('every form starts with political thought and ends with the self-assessment, without duplicates', () => {
    for (const form of reviewForms) {
      const keys = formSections[form];
      expect(keys[0]).toBe('politicalThought');
      expect(keys[keys.length - 1]).toBe('selfAssessment');
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of keys) expect(sectionKeys).toContain(k);
      for (const k of ['ethics', 'discipline', 'results', 'shortcomings', 'previousFixes', 'direction'] as const) expect(keys).toContain(k);
    }
  });

  it('2B adds leadership, 2C residence instead of working style', () => {
    expect(formSections['2B']).toContain('leadership');
    expect(formSections['2A']).not.toContain('leadership');
    expect(formSections['2C']).toContain('residence');
    expect(formSections['2C']).not.toContain('workingStyle');
  });

  it('uses the levels of the rules table', () => {
    expect([...reviewLevels]).toEqual(rulesOn('2026-01-01').review.levels.map((l) => l.key));
    expect(isReviewLevel('good')).toBe(true);
    expect(isReviewLevel('best')).toBe(false);
    expect(isSectionKey('ethics')).toBe(true);
    expect(isSectionKey('contents')).toBe(false);
  });
});

describe('writing', () => {
  it('appends paragraphs and replaces a section', () => {
    let c = emptyNote();
    c = write(c, 'ethics', 'Đoạn một.');
    c = write(c, 'ethics', '  Đoạn hai.\r\nDòng tiếp.  ');
    expect(c.sections.ethics).toEqual(['Đoạn một.', 'Đoạn hai.\nDòng tiếp.']);
    expect(sectionText(c, 'ethics')).toBe('Đoạn một.\nĐoạn hai.\nDòng tiếp.');
    c = write(c, 'ethics', 'Viết lại.', 'replace');
    expect(c.sections.ethics).toEqual(['Viết lại.']);
  });

  it('never changes the content it was given', () => {
    const c = emptyNote();
    write(c, 'ethics', 'x');
    expect(c).toEqual(emptyNote());
  });

  it('refuses a section the form does not have, the level section, and empty text', () => {
    expect(writeSection('2A', emptyNote(), 'leadership', 'x', 'append')).toEqual({ ok: false, code: 'REVIEW.SECTION_INVALID' });
    expect(writeSection('2C', emptyNote(), 'workingStyle', 'x', 'append')).toEqual({ ok: false, code: 'REVIEW.SECTION_INVALID' });
    expect(writeSection('2A', emptyNote(), 'selfAssessment', 'x', 'append')).toEqual({ ok: false, code: 'REVIEW.SECTION_INVALID' });
    expect(writeSection('2A', emptyNote(), 'ethics', '   ', 'append')).toEqual({ ok: false, code: 'REVIEW.EMPTY_TEXT' });
  });

  it('caps a section at 10,000 characters', () => {
    const c = write(emptyNote(), 'ethics', 'a'.repeat(SECTION_MAX_CHARS - 2));
    expect(writeSection('2A', c, 'ethics', 'b', 'append').ok).toBe(true); // 9,998 + newline + 1
    expect(writeSection('2A', c, 'ethics', 'bb', 'append')).toEqual({ ok: false, code: 'REVIEW.TOO_LONG' });
    expect(writeSection('2A', c, 'ethics', 'bb', 'replace').ok).toBe(true);
  });

  it('keeps a level and its explanation', () => {
    let c = setLevel(emptyNote(), 'good');
    const e = explainLevel(c, 'Vì đã hoàn thành các nhiệm vụ.');
    expect(e.ok).toBe(true);
    if (e.ok) c = e.value;
    expect(c.level).toBe('good');
    expect(c.sections.selfAssessment).toEqual(['Vì đã hoàn thành các nhiệm vụ.']);
    const r = explainLevel(c, 'Lý do khác.', 'replace');
    expect(r.ok && r.value.sections.selfAssessment).toEqual(['Lý do khác.']);
    expect(explainLevel(c, ' ')).toEqual({ ok: false, code: 'REVIEW.EMPTY_TEXT' });
    expect(clearSection(c, 'selfAssessment')).toEqual({ sections: {}, level: null });
  });
});

describe('progress and completeness', () => {
  it('walks the sections in order, skipping written ones', () => {
    let c = emptyNote();
    expect(nextSection('2A', c)).toBe('politicalThought');
    c = write(c, 'politicalThought', 'x');
    expect(nextSection('2A', c)).toBe('ethics');
    c = write(c, 'workingStyle', 'x');
    expect(nextSection('2A', c, 'ethics')).toBe('discipline');
    expect(nextSection('2A', c, 'selfAssessment')).toBeNull();
    expect(progress('2A', c)).toEqual({ filled: 2, total: 9 });
  });

  it('needs every section but the optional ones, and a level', () => {
    let c = emptyNote();
    for (const k of formSections['2B']) if (k !== 'selfAssessment' && !optionalSections.includes(k)) c = { ...c, sections: { ...c.sections, [k]: ['x'] } };
    expect(missingSections('2B', c)).toEqual(['selfAssessment']);
    c = setLevel(c, 'excellent');
    expect(missingSections('2B', c)).toEqual([]);
    expect(isFilled(c, 'previousFixes')).toBe(false);
    // The same content lacks the residence section on form 2C.
    expect(missingSections('2C', c)).toEqual(['residence']);
  });

  it('fitToForm keeps only the form’s sections', () => {
    const c: NoteContent = { sections: { leadership: ['a'], ethics: ['b'], residence: ['c'] }, level: 'good' };
    expect(fitToForm('2A', c)).toEqual({ sections: { ethics: ['b'] }, level: 'good' });
    expect(fitToForm('2C', c)).toEqual({ sections: { ethics: ['b'], residence: ['c'] }, level: 'good' });
  });
});

describe('parseNote', () => {
  it('reads what was written', () => {
    const c: NoteContent = { sections: { ethics: ['a', 'b'] }, level: 'completed' };
    expect(parseNote(JSON.stringify(c))).toEqual(c);
  });

  it('drops anything unexpected instead of trusting it', () => {
    expect(parseNote('not json')).toEqual(emptyNote());
    expect(parseNote('null')).toEqual(emptyNote());
    expect(parseNote(JSON.stringify({ sections: { ethics: ['a', 3], hacked: ['x'], results: 'no' }, level: 'king' }))).toEqual({ sections: { ethics: ['a'] }, level: null });
  });
});

describe('the season', () => {
  it('checks labels and deadlines', () => {
    expect(checkLabel('  năm   2026 ')).toEqual({ ok: true, value: 'năm 2026' });
    expect(checkLabel('ab')).toEqual({ ok: false, code: 'REVIEW.LABEL_INVALID' });
    expect(checkSeasonDeadline('2026-11-24', '2026-11-24')).toBe(true);
    expect(checkSeasonDeadline('2026-11-23', '2026-11-24')).toBe(false);
    expect(checkSeasonDeadline('2027-03-24', '2026-11-24')).toBe(true);
    expect(checkSeasonDeadline('2027-03-25', '2026-11-24')).toBe(false);
  });

  it('adds days across months and years', () => {
    expect(addDaysIso('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDaysIso('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDaysIso('2026-11-24', 0)).toBe('2026-11-24');
  });

  it.each([
    ['2026-12-10', null],
    ['2026-12-17', 3],
    ['2026-12-18', 3],
    ['2026-12-19', 1],
    ['2026-12-20', 0],
    ['2026-12-21', null],
  ])('on %s the reminder due is %j (deadline 20/12, 3 and 1 days before)', (today, want) => {
    expect(nudgeWindow(today, '2026-12-20', [3, 1])).toBe(want);
  });

  it('still reminds on the deadline without configured days', () => {
    expect(nudgeWindow('2026-12-20', '2026-12-20', [])).toBe(0);
    expect(nudgeWindow('2026-12-19', '2026-12-20', [])).toBeNull();
  });

  it('counts only expected members', () => {
    expect(
      countSeason(
        [1, 2, 3, 4],
        [
          { memberId: 1, status: 'submitted' },
          { memberId: 2, status: 'draft' },
          { memberId: 9, status: 'submitted' },
        ],
      ),
    ).toEqual({ expected: 4, submitted: 1, drafts: 1, notStarted: 2 });
  });
});
