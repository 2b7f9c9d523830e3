import { formatIsoDate } from '../../domain/dates.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import type { ReviewForm } from '../../domain/members.js';
import { parseTypedDate } from '../../domain/dates.js';
import {
  addDaysIso,
  formSections,
  isFilled,
  isReviewLevel,
  isSectionKey,
  missingSections,
  nextSection,
  progress,
  reviewLevels,
  sectionText,
  type NoteContent,
  type SectionKey,
} from '../../domain/selfReview.js';
import { sectionTitle } from '../../reports/self-review.js';
import type { MyNote, ReadableNote, SelfReviewService } from '../../services/selfReview.js';
import type { Ctx, Feature } from '../context.js';
import { isoDateIn } from '../format.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

export interface SelfReviewFeatureDeps {
  selfReview: SelfReviewService;
}

const roman = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** The note laid out in the form's order: what the author (or a reader allowed to) sees. */
function assembled(ctx: Ctx, form: ReviewForm, content: NoteContent, header: string[]): string {
  const lines = [...header];
  formSections[form].forEach((key, i) => {
    lines.push('', `${roman[i] ?? i + 1}. ${sectionTitle(ctx.t, form, key)}`);
    if (key === 'selfAssessment') lines.push(content.level ? ctx.t('selfReview.levelChosen', { level: ctx.t(`selfReview.level.${content.level}`) }) : ctx.t('selfReview.empty'));
    const text = sectionText(content, key);
    if (text) lines.push(text);
    else if (key !== 'selfAssessment') lines.push(ctx.t('selfReview.empty'));
  });
  return lines.join('\n');
}

export function selfReviewFeature(deps: SelfReviewFeatureDeps): Feature {
  const { selfReview } = deps;

  // ---- /tukiemdiem: the menu ----------------------------------------------------------------------

  function start(ctx: Ctx): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'tukiemdiem', 'any', (cellId) => menu(ctx, cellId));
  }

  function menu(ctx: Ctx, cellId: number): void {
    const season = selfReview.currentSeason(ctx.caller, cellId);
    const manage = selfReview.canManage(ctx.caller, cellId);
    if (!season) {
      ctx.reply({ text: ctx.t('selfReview.noSeason'), choices: manage ? [[choice(ctx.t('selfReview.season.open'), `rv:open:${cellId}`)]] : [] });
      return;
    }
    const mine = selfReview.mine(ctx.caller, cellId, season.id);
    const open = season.status === 'open';
    const { filled, total } = progress(mine.form, mine.content);
    const status = !mine.note ? ctx.t('selfReview.status.none') : mine.note.status === 'submitted' ? ctx.t('selfReview.status.submitted', { date: submittedOn(ctx, mine) }) : ctx.t('selfReview.status.draft', { filled, total });
    const lines = [
      ctx.t(open ? 'selfReview.menuTitle' : 'selfReview.menuTitleClosed', { label: season.label, deadline: formatIsoDate(season.deadline), cell: mine.cell.name }),
      ctx.t('selfReview.form', { form: ctx.t(`members.reviewForm.${mine.form}`) }),
      status,
      ctx.t('selfReview.privacy'),
    ];
    const rows: Choice[][] = [];
    const submitted = mine.note?.status === 'submitted';
    if (open && !submitted) {
      const next = nextSection(mine.form, mine.content);
      rows.push([choice(next ? ctx.t('selfReview.menu.writeNext', { section: sectionTitle(ctx.t, mine.form, next) }) : ctx.t('selfReview.menu.write'), `rv:w:${season.id}`)]);
      if (mine.note) rows.push([choice(ctx.t('selfReview.menu.view'), `rv:v:${season.id}`)], [choice(ctx.t('selfReview.menu.edit'), `rv:e:${season.id}`)], [choice(ctx.t('selfReview.menu.submit'), `rv:s:${season.id}`)]);
    } else if (mine.note) {
      rows.push([choice(ctx.t('selfReview.menu.view'), `rv:v:${season.id}`)]);
    }
    if (submitted && mine.note) rows.push([choice(ctx.t('selfReview.menu.word'), `rv:doc:${mine.note.id}`)]);
    if (submitted && open) rows.push([choice(ctx.t('selfReview.menu.withdraw'), `rv:wd:${season.id}`)]);
    if (selfReview.canSeeStatus(ctx.caller, cellId)) rows.push([choice(ctx.t('selfReview.menu.status'), `rv:st:${season.id}`)]);
    if (manage && open) rows.push([choice(ctx.t('selfReview.menu.nudge'), `rv:n:${season.id}`)], [choice(ctx.t('selfReview.menu.close'), `rv:c:${season.id}`)]);
    if (manage && !open) rows.push([choice(ctx.t('selfReview.season.open'), `rv:open:${cellId}`)]);
    ctx.reply({ text: lines.join('\n'), choices: rows });
  }

  function submittedOn(ctx: Ctx, mine: MyNote): string {
    return isoDateIn(mine.note?.submittedAt ?? ctx.deps.clock.now(), mine.cell.timezone).split('-').reverse().join('/');
  }

  /** The season behind a button, with the caller's own note in it (membership of its cell is checked). */
  function mineIn(ctx: Ctx, seasonPart: string | undefined): MyNote {
    return selfReview.mineBySeason(ctx.caller, parseId(seasonPart));
  }

  // ---- writing -------------------------------------------------------------------------------------

  function writingChoices(ctx: Ctx, seasonId: number, key: SectionKey): Choice[][] {
    return [[choice(ctx.t('selfReview.nextSection'), `rv:nx:${seasonId}:${key}`)], [choice(ctx.t('selfReview.menu.view'), `rv:v:${seasonId}`)], [choice(ctx.t('selfReview.saveExit'), 'rv:q')]];
  }

  function prompt(ctx: Ctx, mine: MyNote, key: SectionKey, mode: 'append' | 'replace'): void {
    const keys = formSections[mine.form];
    const index = keys.indexOf(key);
    ctx.setFlow('selfReview', 'section', { cellId: mine.cell.id, seasonId: mine.season.id, section: key, mode }, mine.cell.id);
    const lines = [ctx.t('selfReview.sectionHeading', { n: index + 1, total: keys.length, title: sectionTitle(ctx.t, mine.form, key) }), ctx.t(key === 'results' ? `selfReview.hint.results${mine.form}` : `selfReview.hint.${key}`)];
    const rows: Choice[][] = [];
    if (key === 'selfAssessment') {
      if (mine.content.level) lines.push(ctx.t('selfReview.levelChosen', { level: ctx.t(`selfReview.level.${mine.content.level}`) }));
      lines.push(ctx.t('selfReview.pickLevel'));
      rows.push(...oneColumn(reviewLevels.map((l) => choice(ctx.t(`selfReview.level.${l}`), `rv:lv:${mine.season.id}:${l}`))));
    } else {
      const count = (mine.content.sections[key] ?? []).length;
      if (count > 0) lines.push(ctx.t(mode === 'replace' ? 'selfReview.replaceNote' : 'selfReview.hasParagraphs', { n: count }));
      lines.push(ctx.t('selfReview.typeHow'));
    }
    rows.push(...writingChoices(ctx, mine.season.id, key));
    ctx.reply({ text: lines.join('\n\n'), choices: rows });
  }

  /** The next empty section after `after`; past the end, only required ones still missing, then the whole note. */
  function writeNext(ctx: Ctx, mine: MyNote, after: SectionKey | null): void {
    const next = nextSection(mine.form, mine.content, after) ?? missingSections(mine.form, mine.content)[0] ?? null;
    if (next) return prompt(ctx, mine, next, 'append');
    ctx.clearFlow();
    view(ctx, mine, true);
  }

  /** Each message typed while a section is open becomes a paragraph of it (the first one replaces, when editing). */
  function typed(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
    const cellId = parseId(String(data.cellId));
    const seasonId = parseId(String(data.seasonId));
    const key = data.section;
    if (!isSectionKey(key)) throw new DomainError('REVIEW.SECTION_INVALID');
    const mode = data.mode === 'replace' ? 'replace' : 'append';
    let mine: MyNote;
    try {
      mine = key === 'selfAssessment' ? selfReview.explainLevel(ctx.caller, cellId, seasonId, text, mode) : selfReview.write(ctx.caller, cellId, seasonId, key, text, mode);
    } catch (err) {
      if (isDomainError(err) && (err.code === 'REVIEW.TOO_LONG' || err.code === 'REVIEW.EMPTY_TEXT')) {
        ctx.reply({ text: ctx.t(`errors.${err.code}`), choices: writingChoices(ctx, seasonId, key) });
        return;
      }
      if (isDomainError(err)) ctx.clearFlow();
      throw err;
    }
    // After the first message of an edit, the following ones add to the new text.
    if (mode === 'replace') ctx.setFlow('selfReview', 'section', { ...data, mode: 'append' }, cellId);
    const count = (mine.content.sections[key] ?? []).length;
    const n = formSections[mine.form].indexOf(key) + 1;
    ctx.reply({ text: ctx.t('selfReview.saved', { n, count }), choices: writingChoices(ctx, seasonId, key) });
  }

  function chooseLevel(ctx: Ctx, seasonPart: string | undefined, level: string | undefined): void {
    if (!isReviewLevel(level)) throw new DomainError('REVIEW.SECTION_INVALID');
    const mine0 = mineIn(ctx, seasonPart);
    const mine = selfReview.chooseLevel(ctx.caller, mine0.cell.id, mine0.season.id, level);
    ctx.setFlow('selfReview', 'section', { cellId: mine.cell.id, seasonId: mine.season.id, section: 'selfAssessment', mode: 'append' }, mine.cell.id);
    ctx.reply({ text: `${ctx.t('selfReview.levelChosen', { level: ctx.t(`selfReview.level.${level}`) })}\n${ctx.t('selfReview.levelExplain')}`, choices: writingChoices(ctx, mine.season.id, 'selfAssessment') });
  }

  // ---- viewing, editing, submitting ---------------------------------------------------------------

  function view(ctx: Ctx, mine: MyNote, finished = false): void {
    if (!mine.note) {
      ctx.reply({ text: ctx.t('selfReview.status.none'), choices: [[choice(ctx.t('selfReview.menu.write'), `rv:w:${mine.season.id}`)]] });
      return;
    }
    const header = [ctx.t('selfReview.viewTitle', { label: mine.season.label, name: mine.member.fullName }), ctx.t('selfReview.form', { form: ctx.t(`members.reviewForm.${mine.form}`) })];
    const missing = missingSections(mine.form, mine.content);
    const open = mine.season.status === 'open';
    const submitted = mine.note.status === 'submitted';
    const footer: string[] = [];
    const rows: Choice[][] = [];
    if (open && !submitted) {
      if (missing.length > 0) footer.push(ctx.t('selfReview.missing', { sections: missing.map((k) => sectionTitle(ctx.t, mine.form, k)).join('; ') }));
      else footer.push(ctx.t(finished ? 'selfReview.allWritten' : 'selfReview.readyToSubmit'));
      if (missing.length === 0) rows.push([choice(ctx.t('selfReview.menu.submit'), `rv:s:${mine.season.id}`)]);
      else rows.push([choice(ctx.t('selfReview.menu.write'), `rv:w:${mine.season.id}`)]);
      rows.push([choice(ctx.t('selfReview.menu.edit'), `rv:e:${mine.season.id}`)]);
    }
    if (submitted) rows.push([choice(ctx.t('selfReview.menu.word'), `rv:doc:${mine.note.id}`)]);
    if (submitted && open) rows.push([choice(ctx.t('selfReview.menu.withdraw'), `rv:wd:${mine.season.id}`)]);
    ctx.reply({ text: [assembled(ctx, mine.form, mine.content, header), ...(footer.length ? ['', ...footer] : [])].join('\n'), choices: rows, sensitive: true });
  }

  function pickSection(ctx: Ctx, mine: MyNote): void {
    const keys = formSections[mine.form];
    ctx.reply({
      text: ctx.t('selfReview.pickSection'),
      choices: [...oneColumn(keys.map((k, i) => choice(`${roman[i] ?? i + 1}. ${sectionTitle(ctx.t, mine.form, k)}${isFilled(mine.content, k) ? ' ✓' : ''}`, `rv:es:${mine.season.id}:${k}`))), cancelRow(ctx)],
    });
  }

  function editSection(ctx: Ctx, mine: MyNote, key: string | undefined): void {
    if (!isSectionKey(key) || !formSections[mine.form].includes(key)) throw new DomainError('REVIEW.SECTION_INVALID');
    if (mine.season.status !== 'open') throw new DomainError('REVIEW.SEASON_CLOSED');
    if (mine.note?.status === 'submitted') throw new DomainError('REVIEW.SUBMITTED');
    const current = sectionText(mine.content, key);
    if (current) ctx.reply({ text: [ctx.t('selfReview.currentText', { title: sectionTitle(ctx.t, mine.form, key) }), '———', current, '———'].join('\n'), sensitive: true });
    prompt(ctx, mine, key, current ? 'replace' : 'append');
  }

  function askSubmit(ctx: Ctx, mine: MyNote): void {
    const missing = missingSections(mine.form, mine.content);
    if (!mine.note || missing.length > 0) throw new DomainError('REVIEW.INCOMPLETE', { count: Math.max(missing.length, 1) });
    ctx.reply({ text: ctx.t('selfReview.submitAsk'), choices: [[choice(ctx.t('selfReview.submitConfirm'), `rv:sok:${mine.season.id}`)], cancelRow(ctx)] });
  }

  function submit(ctx: Ctx, mine: MyNote): void {
    const done = selfReview.submit(ctx.caller, mine.cell.id, mine.season.id);
    ctx.clearFlow();
    const rows: Choice[][] = done.note ? [[choice(ctx.t('selfReview.menu.word'), `rv:doc:${done.note.id}`)]] : [];
    ctx.reply({ text: ctx.t('selfReview.submitted', { label: mine.season.label }), choices: rows, replaceOrigin: true });
  }

  function withdraw(ctx: Ctx, mine: MyNote): void {
    selfReview.withdraw(ctx.caller, mine.cell.id, mine.season.id);
    ctx.reply({ text: ctx.t('selfReview.withdrawn'), choices: [[choice(ctx.t('selfReview.menu.edit'), `rv:e:${mine.season.id}`)], [choice(ctx.t('selfReview.menu.view'), `rv:v:${mine.season.id}`)]] });
  }

  async function word(ctx: Ctx, noteId: number): Promise<void> {
    if (!requirePrivate(ctx)) return;
    const { filename, data } = await selfReview.exportDocx(ctx.caller, noteId, ctx.t);
    ctx.reply({
      text: ctx.t('selfReview.wordReady'),
      attachments: [{ kind: 'document', filename, mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data, caption: ctx.t('selfReview.wordCaption') }],
      sensitive: true,
    });
  }

  // ---- other people's notes: status, reading ----------------------------------------------------

  function status(ctx: Ctx, seasonId: number): void {
    const s = selfReview.status(ctx.caller, seasonId);
    const canRead = selfReview.canRead(ctx.caller, s.season.cellId);
    const mark = { submitted: '✓', draft: '✎', none: '–' } as const;
    const lines = [ctx.t('selfReview.statusTitle', { label: s.season.label, submitted: s.counts.submitted, expected: s.counts.expected, drafts: s.counts.drafts, none: s.counts.notStarted })];
    for (const r of s.rows) lines.push(`${mark[r.status]} ${r.member.fullName} — ${ctx.t(`selfReview.rowStatus.${r.status}`)}${r.expected ? '' : ` (${ctx.t('selfReview.notExpected')})`}`);
    const rows: Choice[][] = canRead ? s.rows.filter((r) => r.noteId !== null).map((r) => [choice(ctx.t('selfReview.readOf', { name: r.member.fullName }), `rv:r:${r.noteId}`)]) : [];
    ctx.reply({ text: lines.join('\n'), choices: rows });
  }

  function read(ctx: Ctx, noteId: number): void {
    if (!requirePrivate(ctx)) return;
    const note: ReadableNote = selfReview.read(ctx.caller, noteId);
    const header = [ctx.t('selfReview.viewTitle', { label: note.season.label, name: note.author.fullName }), ctx.t('selfReview.form', { form: ctx.t(`members.reviewForm.${note.note.form}`) })];
    if (note.note.status !== 'submitted') header.push(ctx.t('selfReview.status.draft', { ...progress(note.note.form, note.content) }));
    const rows: Choice[][] = note.note.status === 'submitted' && (note.isAuthor || selfReview.canExport(ctx.caller, note.cell.id)) ? [[choice(ctx.t('selfReview.menu.word'), `rv:doc:${note.note.id}`)]] : [];
    ctx.reply({ text: assembled(ctx, note.note.form, note.content, header), choices: rows, sensitive: true });
  }

  // ---- the season (secretary) ---------------------------------------------------------------------

  function startSeason(ctx: Ctx, cellId: number): void {
    if (!requirePrivate(ctx)) return;
    ctx.deps.services.access.require(ctx.caller, cellId, 'review.season');
    const year = isoDateIn(ctx.deps.clock.now(), ctx.deps.services.cells.get(cellId).timezone).slice(0, 4);
    ctx.setFlow('reviewSeason', 'kind', { cellId }, cellId);
    ctx.reply({
      text: ctx.t('selfReview.season.askKind'),
      choices: [[choice(ctx.t('selfReview.season.kindYear', { year }), `rv:k:${cellId}:year`)], [choice(ctx.t('selfReview.season.kindMeeting'), `rv:k:${cellId}:meeting`)], cancelRow(ctx)],
    });
  }

  function chooseKind(ctx: Ctx, cellId: number, kind: string | undefined): void {
    ctx.deps.services.access.require(ctx.caller, cellId, 'review.season');
    if (kind === 'meeting') {
      ctx.setFlow('reviewSeason', 'label', { cellId, kind }, cellId);
      ctx.reply({ text: ctx.t('selfReview.season.askLabel'), choices: [cancelRow(ctx)] });
      return;
    }
    const year = isoDateIn(ctx.deps.clock.now(), ctx.deps.services.cells.get(cellId).timezone).slice(0, 4);
    ctx.setFlow('reviewSeason', 'deadline', { cellId, kind: 'year', label: ctx.t('selfReview.season.yearLabel', { year }) }, cellId);
    askSeasonDeadline(ctx, cellId);
  }

  function askSeasonDeadline(ctx: Ctx, cellId: number): void {
    const cell = ctx.deps.services.cells.get(cellId);
    const today = isoDateIn(ctx.deps.clock.now(), cell.timezone);
    const end = `${today.slice(0, 4)}-${ctx.deps.services.settings.of(cellId).review.seasonEnd}`;
    const rows: Choice[][] = [];
    if (end >= today) rows.push([choice(formatIsoDate(end), `fl:${formatIsoDate(end)}`)]);
    rows.push([choice(ctx.t('feedback.draft.inDays', { n: 7 }), 'fl:+7'), choice(ctx.t('feedback.draft.inDays', { n: 14 }), 'fl:+14')], cancelRow(ctx));
    ctx.reply({ text: ctx.t('selfReview.season.askDeadline'), choices: rows });
  }

  function seasonStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
    const cellId = parseId(String(data.cellId));
    ctx.deps.services.access.require(ctx.caller, cellId, 'review.season');
    if (step === 'label') {
      const label = text.trim().replace(/\s+/g, ' ');
      if ([...label].length < 3 || [...label].length > 120) {
        ctx.reply({ text: `${ctx.t('errors.REVIEW.LABEL_INVALID')}\n${ctx.t('selfReview.season.askLabel')}`, choices: [cancelRow(ctx)] });
        return;
      }
      ctx.setFlow('reviewSeason', 'deadline', { ...data, label }, cellId);
      askSeasonDeadline(ctx, cellId);
      return;
    }
    if (step === 'deadline') {
      const today = isoDateIn(ctx.deps.clock.now(), ctx.deps.services.cells.get(cellId).timezone);
      const plus = text.trim().match(/^\+(\d{1,3})$/);
      const date = plus ? addDaysIso(today, Number(plus[1])) : parseTypedDate(text, today);
      if (!date || date < today || date > addDaysIso(today, 120)) {
        ctx.reply({ text: `${ctx.t('errors.REVIEW.DEADLINE_INVALID')}\n${ctx.t('selfReview.season.askDeadline')}`, choices: [cancelRow(ctx)] });
        return;
      }
      ctx.setFlow('reviewSeason', 'confirm', { ...data, deadline: date }, cellId);
      ctx.reply({ text: ctx.t('selfReview.season.confirm', { label: String(data.label), deadline: formatIsoDate(date) }), choices: [[choice(ctx.t('selfReview.season.openIt'), 'rv:ok')], cancelRow(ctx)] });
      return;
    }
    ctx.reply({ text: ctx.t('common.useButtons'), choices: [[choice(ctx.t('selfReview.season.openIt'), 'rv:ok')], cancelRow(ctx)] });
  }

  function confirmSeason(ctx: Ctx): void {
    const conv = ctx.conv;
    if (conv?.flow !== 'reviewSeason' || conv.step !== 'confirm') {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    const d = conv.data;
    const season = selfReview.openSeason(ctx.caller, parseId(String(d.cellId)), { kind: d.kind === 'meeting' ? 'meeting' : 'year', label: String(d.label), deadline: String(d.deadline) });
    ctx.clearFlow();
    ctx.reply({ text: ctx.t('selfReview.season.opened', { label: season.label, deadline: formatIsoDate(season.deadline) }), replaceOrigin: true });
  }

  function nudge(ctx: Ctx, seasonId: number): void {
    const n = selfReview.nudgeNow(ctx.caller, seasonId);
    ctx.reply({ text: n > 0 ? ctx.t('selfReview.nudged', { n }) : ctx.t('selfReview.nudgedNone') });
  }

  function close(ctx: Ctx, seasonId: number, confirmed: boolean): void {
    if (!confirmed) {
      const s = selfReview.status(ctx.caller, seasonId);
      ctx.deps.services.access.require(ctx.caller, s.season.cellId, 'review.season');
      ctx.reply({ text: ctx.t('selfReview.closeAsk', { label: s.season.label, submitted: s.counts.submitted, expected: s.counts.expected }), choices: [[choice(ctx.t('selfReview.closeConfirm'), `rv:cok:${seasonId}`)], cancelRow(ctx)] });
      return;
    }
    const { season, counts } = selfReview.closeSeason(ctx.caller, seasonId);
    ctx.reply({ text: ctx.t('selfReview.closed', { label: season.label, submitted: counts.submitted, expected: counts.expected }), replaceOrigin: true });
  }

  return {
    commands: { tukiemdiem: start },
    actions: {
      rv: async (ctx, [what, a, b]) => {
        // Nothing of a self-criticism is ever shown in a group, even for a forged button.
        if (!requirePrivate(ctx)) return;
        switch (what) {
          case 'w': {
            const mine = mineIn(ctx, a);
            if (mine.season.status !== 'open') throw new DomainError('REVIEW.SEASON_CLOSED');
            if (mine.note?.status === 'submitted') throw new DomainError('REVIEW.SUBMITTED');
            return writeNext(ctx, mine, null);
          }
          case 'nx': {
            const mine = mineIn(ctx, a);
            if (mine.season.status !== 'open') throw new DomainError('REVIEW.SEASON_CLOSED');
            if (mine.note?.status === 'submitted') throw new DomainError('REVIEW.SUBMITTED');
            return writeNext(ctx, mine, isSectionKey(b) ? b : null);
          }
          case 'lv':
            return chooseLevel(ctx, a, b);
          case 'v':
            return view(ctx, mineIn(ctx, a));
          case 'e':
            return pickSection(ctx, mineIn(ctx, a));
          case 'es':
            return editSection(ctx, mineIn(ctx, a), b);
          case 's':
            return askSubmit(ctx, mineIn(ctx, a));
          case 'sok':
            return submit(ctx, mineIn(ctx, a));
          case 'wd':
            return withdraw(ctx, mineIn(ctx, a));
          case 'doc':
            return word(ctx, parseId(a));
          case 'st':
            return status(ctx, parseId(a));
          case 'r':
            return read(ctx, parseId(a));
          case 'n':
            return nudge(ctx, parseId(a));
          case 'c':
            return close(ctx, parseId(a), false);
          case 'cok':
            return close(ctx, parseId(a), true);
          case 'open':
            return startSeason(ctx, parseId(a));
          case 'k':
            return chooseKind(ctx, parseId(a), b);
          case 'ok':
            return confirmSeason(ctx);
          case 'q':
            ctx.clearFlow();
            ctx.reply({ text: ctx.t('selfReview.savedExit') });
            return;
        }
        return ctx.run('unknown_command');
      },
    },
    flows: { selfReview: typed, reviewSeason: seasonStep },
  };
}
