import { DomainError } from '../../domain/errors.js';
import { formatCode } from '../../domain/invites.js';
import type { RosterVocabulary } from '../../domain/roster.js';
import { inviteSheetDocx, readRosterFile, rosterExportXlsx, rosterTemplateCsv, rosterTemplateXlsx } from '../../reports/roster-files.js';
import { appliedText, candidateText, previewText, problemsText } from '../../reports/roster-text.js';
import type { PersonalInvite, RosterPreview, RosterService } from '../../services/roster.js';
import type { Ctx, Feature } from '../context.js';
import { formatDate } from '../format.js';
import { choice, type Choice, type FileAttachment, type OutMessage } from '../message.js';
import { cancelRow, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

const leaders = ['secretary', 'deputy'] as const;
/** Larger files are refused before they are downloaded: a roll of 10,000 members is far smaller. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** Codes listed in the chat as well as in the sheet: beyond this the text would flood the chat (and Zalo's quota). */
const CODES_IN_TEXT = 30;

export interface RosterFeatureDeps {
  roster: RosterService;
  vocabulary: RosterVocabulary;
}

/** The roll in and out, from /thanhvien: import a file, export the roll, print personal invites. */
export function rosterFeature({ roster, vocabulary }: RosterFeatureDeps): Feature {
  async function askFile(ctx: Ctx, cellId: number): Promise<void> {
    roster.importer(ctx.caller, cellId);
    const cell = ctx.deps.services.cells.get(cellId);
    const templates: FileAttachment[] = [
      { kind: 'document', filename: 'mau-danh-sach-dang-vien.xlsx', mime: XLSX, data: await rosterTemplateXlsx(ctx.t) },
      { kind: 'document', filename: 'mau-danh-sach-dang-vien.csv', mime: 'text/csv', data: rosterTemplateCsv(ctx.t) },
    ];
    if (ctx.deps.channels.receivesDocuments?.[ctx.in.channel] !== true) {
      // This channel cannot carry a file to the bot: say where it can be done instead.
      ctx.reply({ text: ctx.t('roster.noFilesHere', { channel: ctx.t(`channels.${ctx.in.channel}`), cellId, cell: cell.name }), attachments: templates });
      return;
    }
    ctx.setFlow('roster', 'file', { cellId, acceptsFile: true }, cellId);
    ctx.reply({ text: ctx.t('roster.askFile', { cell: cell.name }), attachments: templates, choices: [cancelRow(ctx)] });
  }

  /** The file arrived: download, read, check; show the problems or the preview. */
  async function receiveFile(ctx: Ctx, data: Record<string, unknown>): Promise<void> {
    const cellId = Number(data.cellId);
    const file = ctx.in.file;
    const download = ctx.deps.downloads[ctx.in.channel];
    if (!file || file.kind !== 'document' || !download) {
      ctx.reply({ text: ctx.t('roster.sendFileNotText'), choices: [cancelRow(ctx)] });
      return;
    }
    if ((file.size ?? 0) > MAX_FILE_BYTES) throw new DomainError('ROSTER.TOO_BIG', { max: '5 MB' });
    const importer = roster.importer(ctx.caller, cellId);
    const name = file.name ?? 'danh-sach.xlsx';
    const grid = await readRosterFile(await download(file.ref), name, vocabulary);
    const outcome = roster.preview(importer, cellId, grid, name);
    if (!outcome.ok) {
      // The dialogue stays open: the corrected file can be sent straight away.
      ctx.reply({ text: `${problemsText(ctx.t, name, outcome.problems)}\n\n${ctx.t('roster.fixAndResend')}`, choices: [cancelRow(ctx)] });
      return;
    }
    ctx.clearFlow();
    showPreview(ctx, outcome.preview);
  }

  /** Ambiguous names first, one question each; then the preview with "Nhập" / "Hủy". */
  function showPreview(ctx: Ctx, p: RosterPreview): void {
    const open = p.plan.rows.find((r) => r.kind === 'ambiguous');
    if (open && open.kind === 'ambiguous') {
      const options = open.candidates.map((id) => p.members.get(id)).filter((m) => m !== undefined);
      ctx.reply({
        text: ctx.t('roster.ambiguous', { line: open.row.line, name: open.row.fullName, count: options.length }),
        choices: [
          ...oneColumn(options.map((m) => choice(candidateText(ctx.t, m), `ro:res:${p.importId}:${open.row.line}:${m.id}`))),
          [choice(ctx.t('roster.newPerson'), `ro:res:${p.importId}:${open.row.line}:0`)],
          [choice(ctx.t('roster.cancel'), `ro:no:${p.importId}`)],
        ],
      });
      return;
    }
    const nothing = p.counts.created === 0 && p.counts.changed === 0;
    ctx.reply({
      text: nothing ? previewText(ctx.t, p) : `${previewText(ctx.t, p)}\n\n${ctx.t('roster.previewAsk')}`,
      choices: nothing ? [[choice(ctx.t('roster.close'), `ro:no:${p.importId}`)]] : [[choice(ctx.t('roster.confirm'), `ro:ok:${p.importId}`), choice(ctx.t('roster.cancel'), `ro:no:${p.importId}`)]],
    });
  }


  function apply(ctx: Ctx, importId: number): void {
    const result = roster.apply(roster.importerFor(ctx.caller, importId), importId);
    const cell = ctx.deps.services.cells.get(result.cellId);
    ctx.toast = ctx.t('roster.appliedToast');
    ctx.reply({
      text: appliedText(ctx.t, cell.name, result),
      choices: result.withoutChannel > 0 ? [[choice(ctx.t('roster.menu.invites', { count: result.withoutChannel }), `ro:inv:${result.cellId}`)]] : [],
      replaceOrigin: true,
    });
  }

  function cancel(ctx: Ctx, importId: number): void {
    roster.cancel(roster.importerFor(ctx.caller, importId), importId);
    ctx.reply({ text: ctx.t('roster.cancelled'), replaceOrigin: true });
  }

  function resolve(ctx: Ctx, importId: number, line: number, memberId: number): void {
    showPreview(ctx, roster.resolve(roster.importerFor(ctx.caller, importId), importId, line, memberId));
  }

  async function exportRoll(ctx: Ctx, cellId: number): Promise<void> {
    const { records, includeIncome, todayIso } = roster.exportRoll(ctx.caller, cellId);
    const cell = ctx.deps.services.cells.get(cellId);
    const data = await rosterExportXlsx(ctx.t, records, { includeIncome, todayIso, cellName: cell.name });
    const lines = [ctx.t('roster.exportReady', { cell: cell.name, count: records.length })];
    if (!includeIncome) lines.push(ctx.t('roster.exportNoIncome'));
    ctx.reply({ text: lines.join('\n'), attachments: [{ kind: 'document', filename: `danh-sach-${todayIso}.xlsx`, mime: XLSX, data }] });
  }

  /** Personal codes for members not yet on a channel who hold none that works: a printable sheet, and the codes as text to forward. */
  async function personalInvites(ctx: Ctx, cellId: number, all = false): Promise<void> {
    const { issued, alreadyLive } = roster.personalInvites(ctx.caller, cellId, { all });
    const reprint = [choice(ctx.t('roster.reprintAll', { count: alreadyLive }), `ro:inv:${cellId}:all`)];
    if (issued.length === 0) {
      ctx.reply(alreadyLive > 0 ? { text: ctx.t('roster.invitesAllLive', { count: alreadyLive }), choices: [reprint] } : { text: ctx.t('roster.invitesNone') });
      return;
    }
    const lines = [ctx.t('roster.invitesReady', { count: issued.length, expires: formatDate(issued[0]?.expiresAt ?? 0, ctx.deps.services.cells.get(cellId).timezone) })];
    if (alreadyLive > 0) lines.push(ctx.t('roster.invitesOthersLive', { count: alreadyLive }));
    ctx.reply({ ...(await sheetMessage(ctx, cellId, issued, lines)), choices: alreadyLive > 0 ? [reprint] : [] });
  }

  /** The Word sheet, and the codes as text while the list is short enough to forward one by one. */
  async function sheetMessage(ctx: Ctx, cellId: number, issued: PersonalInvite[], lines: string[]): Promise<OutMessage> {
    const cell = ctx.deps.services.cells.get(cellId);
    const { telegramUsername, zaloName } = ctx.deps.channels;
    const entries = issued.map((i) => ({
      fullName: i.member.fullName,
      code: formatCode(i.code),
      telegramLink: telegramUsername ? `https://t.me/${telegramUsername}?start=${i.code}` : null,
      expires: formatDate(i.expiresAt, cell.timezone),
    }));
    const data = await inviteSheetDocx(ctx.t, { cellName: cell.name, botZaloName: zaloName, issuedOn: formatDate(ctx.deps.clock.now(), cell.timezone), entries });
    if (zaloName) lines.push(ctx.t('roster.invitesZalo', { bot: zaloName }));
    if (entries.length > CODES_IN_TEXT) lines.push(ctx.t('roster.codesInSheet'));
    else for (const e of entries) lines.push(e.telegramLink ? ctx.t('roster.inviteLineLink', { name: e.fullName, code: e.code, link: e.telegramLink }) : ctx.t('roster.inviteLine', { name: e.fullName, code: e.code }));
    return { text: lines.join('\n'), attachments: [{ kind: 'document', filename: `ma-moi-rieng-${cell.id}.docx`, mime: DOCX, data }] };
  }

  /** One member's code anew (lost sheet, wrong hands): the old code stops working. */
  async function reissueOne(ctx: Ctx, memberId: number): Promise<void> {
    const issued = roster.reissue(ctx.caller, memberId);
    const cell = ctx.deps.services.cells.get(issued.member.cellId);
    const lines = [ctx.t('roster.reissued', { name: issued.member.fullName, expires: formatDate(issued.expiresAt, cell.timezone) })];
    ctx.reply(await sheetMessage(ctx, cell.id, [issued], lines));
  }

  function revokeOne(ctx: Ctx, memberId: number): void {
    const member = ctx.deps.services.members.get(ctx.caller, memberId);
    const revoked = roster.revokePersonal(ctx.caller, memberId);
    ctx.reply({ text: ctx.t(revoked > 0 ? 'roster.revokedPersonal' : 'roster.nothingToRevoke', { name: member.fullName }), choices: [[choice(ctx.t('roster.reissueButton'), `ro:one:${memberId}`)]] });
  }

  /** A spreadsheet sent without /nhapdanhsach: a leader of one cell surely means to import it. */
  async function fileReceived(ctx: Ctx): Promise<void> {
    const name = ctx.in.file?.name ?? '';
    const leads = ctx.deps.services.cells.cellsOf(ctx.caller.personId).filter((c) => c.status === 'active' && (leaders as readonly string[]).includes(c.role ?? ''));
    if (!/\.(xlsx|csv|txt)$/i.test(name) || leads.length === 0) {
      ctx.reply({ text: ctx.t('common.mediaNotUsed') });
      return;
    }
    if (leads.length > 1) {
      ctx.reply({ text: ctx.t('roster.whichCellFirst') });
      return;
    }
    const cellId = (leads[0] as (typeof leads)[number]).cell.id;
    ctx.setFlow('roster', 'file', { cellId, acceptsFile: true }, cellId);
    return receiveFile(ctx, { cellId });
  }

  function menu(ctx: Ctx, command: string, fn: (ctx: Ctx, cellId: number) => void | Promise<void>): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, command, leaders, (cellId) => fn(ctx, cellId));
  }

  return {
    commands: {
      nhapdanhsach: (ctx) => menu(ctx, 'nhapdanhsach', askFile),
      xuatdanhsach: (ctx) => menu(ctx, 'xuatdanhsach', exportRoll),
      giaymoi: (ctx) => menu(ctx, 'giaymoi', personalInvites),
      file_received: fileReceived,
    },
    actions: {
      ro: (ctx, [what, id, line, member]) => {
        if (!requirePrivate(ctx)) return;
        if (what === 'imp') return askFile(ctx, parseId(id));
        if (what === 'exp') return exportRoll(ctx, parseId(id));
        if (what === 'inv') return personalInvites(ctx, parseId(id), line === 'all');
        if (what === 'one') return reissueOne(ctx, parseId(id));
        if (what === 'rv1') return revokeOne(ctx, parseId(id));
        if (what === 'ok') return apply(ctx, parseId(id));
        if (what === 'no') return cancel(ctx, parseId(id));
        if (what === 'res') return resolve(ctx, parseId(id), parseId(line), Number(member) === 0 ? 0 : parseId(member));
        return ctx.run('unknown_command');
      },
    },
    flows: { roster: (ctx, _step, _text, data) => receiveFile(ctx, data) },
  };
}

/** On a member card: for a member not yet on a channel, a new personal code, or withdrawing the one that works. */
export function personalInviteButtons(ctx: Ctx, memberId: number, status: { waiting: boolean; live: boolean }): Choice[][] {
  if (!status.waiting) return [];
  const rows = [[choice(ctx.t('roster.reissueButton'), `ro:one:${memberId}`)]];
  if (status.live) rows.push([choice(ctx.t('roster.revokeButton'), `ro:rv1:${memberId}`)]);
  return rows;
}

/** The /thanhvien buttons for leaders: import, export, personal invites (with how many are waiting). */
export function rosterMenu(ctx: Ctx, cellId: number, waiting: number): Choice[][] {
  const rows = [[choice(ctx.t('roster.menu.import'), `ro:imp:${cellId}`), choice(ctx.t('roster.menu.export'), `ro:exp:${cellId}`)]];
  if (waiting > 0) rows.push([choice(ctx.t('roster.menu.invites', { count: waiting }), `ro:inv:${cellId}`)]);
  return rows;
}

