import { formatIsoDate } from '../../domain/dates.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { excerpt, formatTicket, isFeedbackTopic, parseDeadline, type FeedbackTopic } from '../../domain/feedback.js';
import { addDaysIso } from '../../domain/selfReview.js';
import type { FeedbackSecrets } from '../../services/crypto.js';
import { DELETE_OFFER_PREFIX, draftContent, type FeedbackService, type FeedbackStart } from '../../services/feedback.js';
import type { FeedbackDraftRow } from '../../store/repos/feedback.js';
import type { Ctx, Feature } from '../context.js';
import { formatDateTime, isoDateIn } from '../format.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, cmdChoice, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

export interface FeedbackFeatureDeps {
  feedback: FeedbackService;
  secrets: FeedbackSecrets;
}

/** At most this many messages are deleted when a member asks to clear a feedback dialogue. */
const MAX_DELETE = 100;

/** What the feedback dialogue keeps between messages. The typed text is sealed, never stored in clear. */
interface FeedbackData {
  cellId: number;
  topic?: FeedbackTopic;
  draftId?: number | null;
  open?: boolean;
  /** The sealed draft text (AES-GCM under a key derived from FEEDBACK_SECRET), bound to this chat. */
  draft?: string;
  /** The first message of the dialogue, to offer deleting it all afterwards (channels that can). */
  first?: string | null;
}

function dataOf(ctx: Ctx, flow: string): FeedbackData | null {
  if (ctx.conv?.flow !== flow) return null;
  const d = ctx.conv.data;
  const cellId = Number(d.cellId);
  if (!Number.isSafeInteger(cellId) || cellId <= 0) return null;
  return {
    cellId,
    topic: isFeedbackTopic(d.topic) ? d.topic : undefined,
    draftId: typeof d.draftId === 'number' ? d.draftId : null,
    open: d.open === true,
    draft: typeof d.draft === 'string' ? d.draft : undefined,
    first: typeof d.first === 'string' ? d.first : null,
  };
}

const sealContext = (ctx: Ctx): string => `feedback-draft:${ctx.in.channel}:${ctx.in.chatId}`;

const store = (data: FeedbackData): Record<string, unknown> => ({ ...data });

export function feedbackFeature(deps: FeedbackFeatureDeps): Feature {
  const { feedback, secrets } = deps;

  const canDelete = (ctx: Ctx): boolean => ctx.deps.channels.canDelete?.[ctx.in.channel] === true;

  function digestTime(ctx: Ctx, hour: number): string {
    return ctx.t('feedback.hour', { hour: String(hour).padStart(2, '0') });
  }

  function weakLine(ctx: Ctx, s: FeedbackStart): string[] {
    return s.weakAnonymity ? [ctx.t('feedback.weakAnonymity', { n: s.activeMembers })] : [];
  }

  // ---- /gopy: the menu ---------------------------------------------------------------------------

  function start(ctx: Ctx, args: string): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    if (args) return showTicket(ctx, args);
    return withCell(ctx, 'gopy', 'any', (cellId) => {
      const s = feedback.start(ctx.caller, cellId);
      ctx.setFlow('feedback', 'topic', store({ cellId, first: ctx.in.messageRef ?? null }), cellId);
      const rows: Choice[][] = [[choice(ctx.t('feedback.topic.committee'), `fb:t:${cellId}:committee`)]];
      if (s.drafts.length > 0) rows.push([choice(ctx.t('feedback.topicDraftCount', { n: s.drafts.length }), `fb:t:${cellId}:draft`)]);
      rows.push([choice(ctx.t('feedback.topic.concern'), `fb:t:${cellId}:concern`)]);
      if (s.canAnswer) rows.push([choice(ctx.t('feedback.received'), `fb:list:${cellId}`)]);
      if (s.canOpenDrafts) rows.push([cmdChoice(ctx.t('feedback.draftsMenu'), 'duthao')]);
      rows.push(cancelRow(ctx));
      const limit = ctx.deps.services.settings.of(cellId).feedback.dailyLimit;
      ctx.reply({
        text: [ctx.t('feedback.intro', { cell: s.cell.name, time: digestTime(ctx, s.digestHour), limit }), ...weakLine(ctx, s), ctx.t('feedback.chooseTopic')].join('\n\n'),
        choices: rows,
      });
    });
  }

  /** A topic was chosen: ask for the text, or for which draft. */
  function chooseTopic(ctx: Ctx, cellId: number, topic: string | undefined): void {
    if (!isFeedbackTopic(topic)) throw new DomainError('FEEDBACK.NOT_FOUND');
    const s = feedback.start(ctx.caller, cellId);
    const first = dataOf(ctx, 'feedback')?.first ?? ctx.in.messageRef ?? null;
    if (topic === 'draft') {
      if (s.drafts.length === 0) {
        ctx.reply({ text: ctx.t('feedback.noDrafts') });
        return;
      }
      ctx.setFlow('feedback', 'topic', store({ cellId, first }), cellId);
      ctx.reply({ text: ctx.t('feedback.pickDraft'), choices: [...oneColumn(s.drafts.map((d) => choice(excerpt(d.title, 48), `fb:d:${d.id}`))), cancelRow(ctx)] });
      return;
    }
    askText(ctx, { cellId, topic, draftId: null, open: false, first }, s);
  }

  function askText(ctx: Ctx, data: FeedbackData, s?: FeedbackStart): void {
    ctx.setFlow('feedback', 'text', store({ ...data, draft: undefined }), data.cellId);
    const mode = data.open ? ctx.t('feedback.modeOpen') : ctx.t('feedback.modeAnonymous');
    const lines = [ctx.t('feedback.askText', { topic: topicLabel(ctx, data), mode })];
    if (s) lines.push(...weakLine(ctx, s));
    ctx.reply({ text: lines.join('\n\n'), choices: [cancelRow(ctx)] });
  }

  function topicLabel(ctx: Ctx, data: FeedbackData): string {
    if (data.topic === 'draft' && data.draftId) {
      const draft = safeDraft(ctx, data.draftId);
      return ctx.t('feedback.topicOnDraft', { title: draft?.title ?? '' });
    }
    return ctx.t(`feedback.topic.${data.topic ?? 'committee'}`);
  }

  function safeDraft(ctx: Ctx, draftId: number): FeedbackDraftRow | null {
    try {
      return feedback.draft(ctx.caller, draftId);
    } catch {
      return null;
    }
  }

  /** A draft chosen from the list (or from /duthao): its content, then anonymous or open. */
  function showDraft(ctx: Ctx, draftId: number): void {
    const draft = feedback.draft(ctx.caller, draftId);
    const cell = ctx.deps.services.cells.get(draft.cellId);
    const open = draft.status === 'open' && draft.deadline > ctx.deps.clock.now();
    const lines = [
      ctx.t('feedback.draft.view', { title: draft.title, deadline: formatDateTime(draft.deadline, cell.timezone, ctx.locale) }),
      draftContent(ctx.t, draft),
      open ? ctx.t('feedback.draft.howToComment') : ctx.t('errors.FEEDBACK.DRAFT_CLOSED'),
    ];
    const rows: Choice[][] = [];
    if (open) rows.push([choice(ctx.t('feedback.commentAnonymous'), `fb:m:${draft.id}:a`)], [choice(ctx.t('feedback.commentOpen'), `fb:m:${draft.id}:o`)]);
    const { actor } = ctx.deps.services.access.actor(ctx.caller, draft.cellId);
    if (open && actor.role === 'secretary' && actor.status === 'active') rows.push([choice(ctx.t('feedback.draft.closeNow'), `fdr:close:${draft.id}`)]);
    rows.push(cancelRow(ctx));
    ctx.reply({ text: lines.join('\n\n'), choices: rows });
  }

  function chooseMode(ctx: Ctx, draftId: number, mode: string | undefined): void {
    const draft = feedback.draft(ctx.caller, draftId);
    const s = feedback.start(ctx.caller, draft.cellId);
    if (!s.drafts.some((d) => d.id === draft.id)) throw new DomainError('FEEDBACK.DRAFT_CLOSED');
    const first = dataOf(ctx, 'feedback')?.first ?? ctx.in.messageRef ?? null;
    askText(ctx, { cellId: draft.cellId, topic: 'draft', draftId: draft.id, open: mode === 'o', first }, mode === 'o' ? undefined : s);
  }

  // ---- typing, preview, sending -----------------------------------------------------------------

  function typed(ctx: Ctx, step: string, text: string): void {
    const data = dataOf(ctx, 'feedback');
    if (!data) return void ctx.run('unknown_command');
    if (step === 'topic') {
      ctx.reply({ text: ctx.t('feedback.chooseTopicFirst'), choices: [[choice(ctx.t('feedback.topic.committee'), `fb:t:${data.cellId}:committee`)], [choice(ctx.t('feedback.topic.concern'), `fb:t:${data.cellId}:concern`)], cancelRow(ctx)] });
      return;
    }
    let checked: string;
    try {
      checked = feedback.checkText(text);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      ctx.reply({ text: `${ctx.t(`errors.${err.code}`)}\n${ctx.t('feedback.askAgain')}`, choices: [cancelRow(ctx)] });
      return;
    }
    const sealed = secrets.sealDraft(checked, sealContext(ctx));
    const accusation = data.open ? null : feedback.screen(checked);
    if (accusation) {
      ctx.setFlow('feedback', 'accused', store({ ...data, draft: sealed }), data.cellId);
      ctx.reply({
        text: ctx.t('feedback.accusation', { target: accusation.target }),
        choices: [[choice(ctx.t('feedback.sendOpenly'), 'fb:open')], [choice(ctx.t('feedback.editText'), 'fb:edit')], cancelRow(ctx)],
        sensitive: true,
      });
      return;
    }
    ctx.setFlow('feedback', 'preview', store({ ...data, draft: sealed }), data.cellId);
    preview(ctx, data, checked);
  }

  function preview(ctx: Ctx, data: FeedbackData, text: string): void {
    const s = feedback.start(ctx.caller, data.cellId);
    const lines = [ctx.t('feedback.previewTitle', { topic: topicLabel(ctx, data), mode: data.open ? ctx.t('feedback.modeOpen') : ctx.t('feedback.modeAnonymous') }), '———', text, '———'];
    if (!data.open) lines.push(...weakLine(ctx, s));
    lines.push(data.open ? ctx.t('feedback.previewOpenNote') : data.topic === 'draft' ? ctx.t('feedback.previewDraftNote') : ctx.t('feedback.previewNote', { time: digestTime(ctx, s.digestHour) }));
    ctx.reply({
      text: lines.join('\n'),
      choices: [[choice(ctx.t('feedback.send'), 'fb:send')], [choice(ctx.t('feedback.edit'), 'fb:edit')], cancelRow(ctx)],
      sensitive: true,
    });
  }

  function draftText(ctx: Ctx, data: FeedbackData): string {
    const text = secrets.openDraft(data.draft, sealContext(ctx));
    if (text === null) {
      ctx.clearFlow();
      throw new DomainError('FEEDBACK.EXPIRED');
    }
    return text;
  }

  /** "Gửi": stored without the sender, the dialogue wiped, and the ticket shown once. */
  function send(ctx: Ctx): void {
    const data = dataOf(ctx, 'feedback');
    if (!data?.draft || ctx.conv?.step === 'text' || ctx.conv?.step === 'topic') {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    if (ctx.conv?.step === 'accused') throw new DomainError('FEEDBACK.ACCUSATION');
    const text = draftText(ctx, data);
    const topic = data.topic ?? 'committee';
    if (data.open) return sendOpen(ctx, data, text);
    let ticket: string;
    try {
      ({ ticket } = feedback.submitAnonymous(ctx.caller, data.cellId, { topic, draftId: data.draftId ?? null, text }));
    } catch (err) {
      // Whatever went wrong, the sealed draft does not stay behind; the member may write again later.
      if (isDomainError(err) && (err.code === 'FEEDBACK.LIMIT' || err.code === 'FEEDBACK.DRAFT_CLOSED' || err.code === 'FEEDBACK.DRAFT_NOT_FOUND')) ctx.clearFlow();
      throw err;
    }
    ctx.clearFlow();
    feedback.forgetTraces();
    const s = feedback.start(ctx.caller, data.cellId);
    const lines = [topic === 'draft' ? ctx.t('feedback.sentDraft') : ctx.t('feedback.sent', { time: digestTime(ctx, s.digestHour) })];
    if (topic !== 'draft') lines.push(ctx.t('feedback.ticket', { code: formatTicket(ticket) }));
    const choices: Choice[][] = [];
    const range = deleteRange(data.first ?? null, ctx.in.messageRef ?? null);
    if (canDelete(ctx) && range) {
      lines.push(ctx.t('feedback.deleteOffer'));
      choices.push([choice(ctx.t('feedback.deleteYes'), `${DELETE_OFFER_PREFIX}${range[0]}:${range[1]}`)], [choice(ctx.t('feedback.deleteNo'), `${DELETE_OFFER_PREFIX}keep`)]);
    } else {
      lines.push(ctx.t('feedback.deleteByHand', { channel: ctx.t(`channels.${ctx.in.channel}`) }));
    }
    ctx.reply({ text: lines.join('\n\n'), choices, sensitive: true });
  }

  /** Under the member's own name: a comment on a draft, or a named message to the committee. */
  function sendOpen(ctx: Ctx, data: FeedbackData, text: string): void {
    const row = feedback.submitOpen(ctx.caller, data.cellId, { topic: data.topic ?? 'committee', draftId: data.draftId ?? null, text });
    ctx.clearFlow();
    ctx.reply({ text: row.draftId ? ctx.t('feedback.sentOpenDraft') : ctx.t('feedback.sentOpen') });
  }

  /** After an accusation was found: send it openly, under the member's name. */
  function sendOpenly(ctx: Ctx): void {
    const data = dataOf(ctx, 'feedback');
    if (!data?.draft || ctx.conv?.step !== 'accused') {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    const text = draftText(ctx, data);
    const onDraft = data.topic === 'draft' && data.draftId ? data.draftId : null;
    sendOpen(ctx, { ...data, topic: onDraft ? 'draft' : (data.topic ?? 'committee'), draftId: onDraft, open: true }, text);
  }

  function editText(ctx: Ctx): void {
    const data = dataOf(ctx, 'feedback');
    if (!data) {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    askText(ctx, data);
  }

  /** The first..last message ids of the dialogue, when the channel gave them and the span is sane. */
  function deleteRange(first: string | null, last: string | null): [number, number] | null {
    const a = Number(first);
    const b = Number(last);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a <= 0 || b < a || b - a >= MAX_DELETE) return null;
    return [a, b];
  }

  /** The member answered the offer: delete the dialogue's messages (or keep them), and forget the offer. */
  function deleteAnswer(ctx: Ctx, parts: string[]): void {
    const clearOffer = () => ctx.deps.repos.conversations.save(ctx.in.channel, ctx.in.chatId, { choices: [] }, ctx.deps.clock.now());
    if (parts[0] === 'keep') {
      clearOffer();
      ctx.reply({ text: ctx.t('feedback.kept') });
      return;
    }
    const range = deleteRange(parts[0] ?? null, parts[1] ?? null);
    if (!range || !canDelete(ctx)) {
      clearOffer();
      ctx.reply({ text: ctx.t('feedback.deleteByHand', { channel: ctx.t(`channels.${ctx.in.channel}`) }) });
      return;
    }
    const refs: string[] = [];
    for (let id = range[0]; id <= range[1]; id++) refs.push(String(id));
    clearOffer();
    ctx.reply({ text: ctx.t('feedback.deleted'), deleteRefs: refs, sensitive: true });
  }

  // ---- tickets ------------------------------------------------------------------------------------

  function showTicket(ctx: Ctx, code: string): void {
    const { item, cell } = feedback.byTicket(ctx.caller, code);
    const lines = [ctx.t('feedback.ticketTitle', { date: formatIsoDate(item.createdOn), topic: ctx.t(`feedback.topic.${item.topic}`) }), '———', item.text, '———'];
    if (item.answer) lines.push(ctx.t('feedback.ticketAnswer', { date: formatIsoDate(item.answeredOn ?? item.createdOn), answer: item.answer }));
    else if (item.deliveredOn) lines.push(ctx.t('feedback.ticketWaiting', { date: formatIsoDate(item.deliveredOn) }));
    else lines.push(ctx.t('feedback.ticketQueued', { time: digestTime(ctx, ctx.deps.services.settings.of(cell.id).feedback.digestHour) }));
    ctx.reply({ text: lines.join('\n'), sensitive: true });
  }

  // ---- the committee: list, answer ----------------------------------------------------------------

  function listReceived(ctx: Ctx, cellId: number): void {
    const items = feedback.delivered(ctx.caller, cellId, 10);
    if (items.length === 0) {
      ctx.reply({ text: ctx.t('feedback.noneReceived') });
      return;
    }
    const lines = items.map((i, n) =>
      ctx.t(i.answer ? 'feedback.receivedLineAnswered' : 'feedback.receivedLine', { n: n + 1, date: formatIsoDate(i.deliveredOn ?? i.createdOn), topic: ctx.t(`feedback.topic.${i.topic}`), text: excerpt(i.text, 200) }),
    );
    const choices = items.flatMap((i, n) => (i.answer ? [] : [[choice(ctx.t('feedback.digest.answer', { n: n + 1 }), `fba:${i.id}`)]]));
    ctx.reply({ text: [ctx.t('feedback.receivedTitle'), ...lines].join('\n\n'), choices });
  }

  function startAnswer(ctx: Ctx, itemId: number): void {
    if (!requirePrivate(ctx)) return;
    const item = feedback.forAnswer(ctx.caller, itemId);
    if (item.answer) {
      ctx.reply({ text: ctx.t('feedback.alreadyAnswered', { answer: item.answer }) });
      return;
    }
    ctx.setFlow('feedbackAnswer', 'text', { itemId }, item.cellId);
    ctx.reply({ text: [ctx.t('feedback.answerAsk', { topic: ctx.t(`feedback.topic.${item.topic}`) }), '———', excerpt(item.text, 1500), '———', ctx.t('feedback.answerHow')].join('\n'), choices: [cancelRow(ctx)] });
  }

  function answerTyped(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
    const itemId = parseId(String(data.itemId));
    let answer: string;
    try {
      answer = feedback.checkText(text);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      ctx.reply({ text: `${ctx.t(`errors.${err.code}`)}\n${ctx.t('feedback.askAgain')}`, choices: [cancelRow(ctx)] });
      return;
    }
    const item = feedback.forAnswer(ctx.caller, itemId);
    ctx.setFlow('feedbackAnswer', 'preview', { itemId, answer }, item.cellId);
    ctx.reply({
      text: [ctx.t('feedback.answerPreview'), '———', answer, '———', ctx.t('feedback.answerPreviewNote')].join('\n'),
      choices: [[choice(ctx.t('feedback.publish'), 'fbp')], [choice(ctx.t('feedback.edit'), 'fbe')], cancelRow(ctx)],
    });
  }

  function publish(ctx: Ctx): void {
    if (ctx.conv?.flow !== 'feedbackAnswer' || ctx.conv.step !== 'preview' || typeof ctx.conv.data.answer !== 'string') {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    const itemId = parseId(String(ctx.conv.data.itemId));
    try {
      feedback.answer(ctx.caller, itemId, ctx.conv.data.answer);
    } catch (err) {
      if (isDomainError(err) && err.code === 'FEEDBACK.ALREADY_ANSWERED') ctx.clearFlow();
      throw err;
    }
    ctx.clearFlow();
    ctx.reply({ text: ctx.t('feedback.published'), replaceOrigin: true });
  }

  function editAnswer(ctx: Ctx): void {
    if (ctx.conv?.flow !== 'feedbackAnswer') {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    ctx.setFlow('feedbackAnswer', 'text', { itemId: ctx.conv.data.itemId });
    ctx.reply({ text: ctx.t('feedback.answerHow'), choices: [cancelRow(ctx)] });
  }

  // ---- /duthao: drafts opened for comments --------------------------------------------------------

  function drafts(ctx: Ctx): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'duthao', 'any', (cellId) => {
      const list = feedback.drafts(ctx.caller, cellId);
      const cell = ctx.deps.services.cells.get(cellId);
      const { actor } = ctx.deps.services.access.actor(ctx.caller, cellId);
      const secretary = actor.role === 'secretary' && actor.status === 'active';
      const lines = list.length > 0 ? [ctx.t('feedback.draft.listTitle', { cell: cell.name }), ...list.map((d) => `• ${d.title} — ${ctx.t('feedback.draft.until', { deadline: formatDateTime(d.deadline, cell.timezone, ctx.locale) })}`)] : [ctx.t('feedback.noDrafts')];
      const rows: Choice[][] = list.map((d) => [choice(excerpt(d.title, 48), `fdr:v:${d.id}`)]);
      if (secretary) rows.push([choice(ctx.t('feedback.draft.new'), `fdr:new:${cellId}`)]);
      ctx.reply({ text: lines.join('\n'), choices: rows });
    });
  }

  function newDraft(ctx: Ctx, cellId: number): void {
    if (!requirePrivate(ctx)) return;
    ctx.deps.services.access.require(ctx.caller, cellId, 'feedback.draft');
    ctx.setFlow('draftOpen', 'title', { cellId }, cellId);
    ctx.reply({ text: ctx.t('feedback.draft.askTitle'), choices: [cancelRow(ctx)] });
  }

  function draftStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
    const cellId = parseId(String(data.cellId));
    ctx.deps.services.access.require(ctx.caller, cellId, 'feedback.draft');
    const again = (err: unknown, question: string, choices: Choice[][] = [cancelRow(ctx)]) => {
      if (!isDomainError(err)) throw err;
      ctx.reply({ text: `${ctx.t(`errors.${err.code}`)}\n${ctx.t(question)}`, choices });
    };
    if (step === 'title') {
      try {
        const title = feedback.checkTitle(text);
        ctx.setFlow('draftOpen', 'body', { cellId, title }, cellId);
        ctx.reply({ text: ctx.t('feedback.draft.askBody'), choices: [cancelRow(ctx)] });
      } catch (err) {
        again(err, 'feedback.draft.askTitle');
      }
      return;
    }
    if (step === 'body') {
      try {
        const body = feedback.checkBody(text);
        ctx.setFlow('draftOpen', 'deadline', { ...data, body: body.kind === 'link' ? body.url : body.text }, cellId);
        askDeadline(ctx);
      } catch (err) {
        again(err, 'feedback.draft.askBody');
      }
      return;
    }
    if (step === 'deadline') {
      const cell = ctx.deps.services.cells.get(cellId);
      const today = isoDateIn(ctx.deps.clock.now(), cell.timezone);
      const plus = text.trim().match(/^\+(\d{1,2})$/);
      const parsed = plus ? { date: addDaysIso(today, Number(plus[1])), time: null } : parseDeadline(text, today);
      try {
        if (!parsed) throw new DomainError('FEEDBACK.DEADLINE_INVALID');
        const deadline = feedback.deadlineFor(cellId, parsed.date, parsed.time);
        ctx.setFlow('draftOpen', 'confirm', { ...data, deadline }, cellId);
        ctx.reply({
          text: ctx.t('feedback.draft.confirm', { title: String(data.title), deadline: formatDateTime(deadline, cell.timezone, ctx.locale), content: excerpt(String(data.body), 600) }),
          choices: [[choice(ctx.t('feedback.draft.openIt'), 'fdr:ok')], cancelRow(ctx)],
        });
      } catch (err) {
        again(err, 'feedback.draft.askDeadline', deadlineChoices(ctx));
      }
      return;
    }
    ctx.reply({ text: ctx.t('common.useButtons'), choices: [[choice(ctx.t('feedback.draft.openIt'), 'fdr:ok')], cancelRow(ctx)] });
  }

  const deadlineChoices = (ctx: Ctx): Choice[][] => [[choice(ctx.t('feedback.draft.inDays', { n: 3 }), 'fl:+3'), choice(ctx.t('feedback.draft.inDays', { n: 7 }), 'fl:+7')], cancelRow(ctx)];

  function askDeadline(ctx: Ctx): void {
    ctx.reply({ text: ctx.t('feedback.draft.askDeadline'), choices: deadlineChoices(ctx) });
  }

  function confirmDraft(ctx: Ctx): void {
    const conv = ctx.conv;
    if (conv?.flow !== 'draftOpen' || conv.step !== 'confirm') {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    const d = conv.data;
    const draft = feedback.openDraftForComments(ctx.caller, parseId(String(d.cellId)), { title: String(d.title), body: String(d.body), deadline: Number(d.deadline) });
    ctx.clearFlow();
    const cell = ctx.deps.services.cells.get(draft.cellId);
    ctx.reply({ text: ctx.t('feedback.draft.opened', { title: draft.title, deadline: formatDateTime(draft.deadline, cell.timezone, ctx.locale) }), replaceOrigin: true });
  }

  function closeDraft(ctx: Ctx, draftId: number, confirmed: boolean): void {
    const draft = feedback.draft(ctx.caller, draftId);
    ctx.deps.services.access.require(ctx.caller, draft.cellId, 'feedback.draft');
    if (!confirmed) {
      ctx.reply({ text: ctx.t('feedback.draft.closeAsk', { title: draft.title }), choices: [[choice(ctx.t('feedback.draft.closeNow'), `fdr:closeok:${draft.id}`)], cancelRow(ctx)] });
      return;
    }
    feedback.closeDraftNow(ctx.caller, draft.id);
    ctx.reply({ text: ctx.t('feedback.draft.closed', { title: draft.title }), replaceOrigin: true });
  }

  return {
    commands: { gopy: start, duthao: drafts },
    actions: {
      fb: (ctx, [what, a, b]) => {
        if (!requirePrivate(ctx)) return;
        if (what === 't') return chooseTopic(ctx, parseId(a), b);
        if (what === 'd') return showDraft(ctx, parseId(a));
        if (what === 'm') return chooseMode(ctx, parseId(a), b);
        if (what === 'send') return send(ctx);
        if (what === 'open') return sendOpenly(ctx);
        if (what === 'edit') return editText(ctx);
        if (what === 'list') return listReceived(ctx, parseId(a));
        return ctx.run('unknown_command');
      },
      [DELETE_OFFER_PREFIX.slice(0, -1)]: (ctx, parts) => (requirePrivate(ctx) ? deleteAnswer(ctx, parts) : undefined),
      fba: (ctx, [id]) => startAnswer(ctx, parseId(id)),
      fbp: (ctx) => (requirePrivate(ctx) ? publish(ctx) : undefined),
      fbe: (ctx) => (requirePrivate(ctx) ? editAnswer(ctx) : undefined),
      fdr: (ctx, [what, id]) => {
        if (!requirePrivate(ctx)) return;
        if (what === 'v') return showDraft(ctx, parseId(id));
        if (what === 'new') return newDraft(ctx, parseId(id));
        if (what === 'ok') return confirmDraft(ctx);
        if (what === 'close') return closeDraft(ctx, parseId(id), false);
        if (what === 'closeok') return closeDraft(ctx, parseId(id), true);
        return ctx.run('unknown_command');
      },
    },
    flows: { feedback: typed, feedbackAnswer: answerTyped, draftOpen: draftStep },
  };
}


