/**
 * The operator's command line: `npm run cli -- <command>`. Output goes to stdout, one fact a line;
 * problems go to stderr. Exit codes: 0 ok, 1 a check or job failed, 2 bad input, 78 bad config.
 */
import { config as loadDotenv } from 'dotenv';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { buildServices, createApp } from '../app.js';
import { ZaloClient, type ZaloMe } from '../channels/zalo/client.js';
import { systemClock, type Clock } from '../clock.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { isoDateIn } from '../conversation/format.js';
import { Translator } from '../conversation/i18n.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { checkCellName, checkFullName } from '../domain/names.js';
import type { Logger } from '../logger.js';
import { backupTo, openStore, storeStatus, type Store } from '../store/db.js';
import type { ChannelName } from '../store/repos/people.js';
import type { MemberRow } from '../store/repos/members.js';
import { readRosterFile, rosterVocabulary } from '../reports/roster-files.js';
import { appliedText, candidateText, previewText, problemsText } from '../reports/roster-text.js';
import { DuesService } from '../services/dues.js';
import { operatorImporter, RosterService } from '../services/roster.js';

const USAGE = `Chi bộ 4 Tốt: công cụ quản trị / operator CLI

Usage: npm run cli -- <command> [options]

  doctor                          kiểm tra cấu hình, cơ sở dữ liệu, kết nối kênh / check config, database, channels
  cell:create --name "…" --superior "…" --secretary "Họ Tên" (--telegram <userId> | --zalo <userId>)
                                  tạo chi bộ và Bí thư / create a cell with its secretary
  cell:list                       liệt kê chi bộ / list cells
  members:import <file> --cell <id> [--dry-run] [--match <row>=<memberId>]
                                  nhập danh sách đảng viên từ Excel/CSV (xem trước với --dry-run) / import the member roll
  backup <file>                   sao lưu cơ sở dữ liệu (an toàn khi bot đang chạy) / online database backup
  jobs:run [--at <ISO time>] [--dry-run]
                                  chạy việc định kỳ một lần / run the scheduled jobs once
  help                            hướng dẫn này / this text

Exit codes: 0 ok, 1 failed, 2 bad input, 78 configuration error.
`;

/** Bad input from the operator: one line on stderr, exit 2. */
class UsageError extends Error {}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function cliLogger(config: Config): Logger {
  // Silent unless the operator asks; logs go to stderr so stdout stays machine-readable.
  const level = process.env.LOG_LEVEL ? config.LOG_LEVEL : 'silent';
  return pino(
    { level, redact: { paths: ['text', '*.text', 'caption', '*.caption', 'payload', '*.payload', 'token', '*.token'], censor: '[hidden]' } },
    pino.destination(2),
  );
}

/** An error's message with every configured token blanked, plus the network cause if any. */
function describe(err: unknown, config: Config): string {
  let message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause === 'object') {
    const detail = typeof cause.code === 'string' ? cause.code : typeof cause.message === 'string' ? cause.message : '';
    if (detail) message += ` (${detail})`;
  }
  for (const token of [config.BOT_TOKEN, config.ZALO_BOT_TOKEN]) if (token) message = message.split(token).join('***');
  return message;
}

// ---------------------------------------------------------------------------------------------
// doctor

interface Check {
  ok: boolean;
  line: string;
}

async function doctor(config: Config, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, allowPositionals: false });
  const checks: Check[] = [];
  const report = (c: Check) => {
    checks.push(c);
    out(`${c.ok ? '✓' : '✗'} ${c.line}`);
  };

  const mode = config.WEBHOOK_URL ? `webhook ${config.WEBHOOK_URL}` : 'polling';
  const on = (v: string | undefined) => (v ? `on (${mode})` : 'off');
  report({ ok: true, line: `config: Telegram ${on(config.BOT_TOKEN)}, Zalo ${on(config.ZALO_BOT_TOKEN)}; timezone ${config.DEFAULT_TIMEZONE}, locale ${config.DEFAULT_LOCALE}` });

  let store: Store | null = null;
  try {
    store = openStore(config.DATABASE_PATH);
    const { applied, available, journal } = storeStatus(store);
    const walOk = journal === 'wal' || config.DATABASE_PATH === ':memory:';
    report({
      ok: applied === available && walOk,
      line: `database ${config.DATABASE_PATH}: ${applied}/${available} migrations applied, journal_mode=${journal}${walOk ? '' : ' (expected wal)'}`,
    });
  } catch (err) {
    report({ ok: false, line: `database ${config.DATABASE_PATH}: ${describe(err, config)}` });
  } finally {
    store?.close();
  }

  if (config.BOT_TOKEN) {
    try {
      const res = await fetch(`${config.TELEGRAM_API_ROOT.replace(/\/$/, '')}/bot${config.BOT_TOKEN}/getMe`, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; result?: { id?: number; username?: string }; description?: string };
      if (body.ok === true && body.result) report({ ok: true, line: `telegram getMe: @${body.result.username ?? '?'} (id ${body.result.id ?? '?'})` });
      else report({ ok: false, line: `telegram getMe: HTTP ${res.status} ${describe(body.description ?? 'unexpected response', config)}` });
    } catch (err) {
      report({ ok: false, line: `telegram getMe: ${describe(err, config)}` });
    }
  }

  if (config.ZALO_BOT_TOKEN) {
    try {
      const me = await new ZaloClient(config.ZALO_BOT_TOKEN, config.ZALO_API_ROOT).call<ZaloMe>('getMe', {}, AbortSignal.timeout(10_000));
      report({ ok: true, line: `zalo getMe: ${me.display_name ?? me.account_name ?? '?'} (id ${me.id})` });
    } catch (err) {
      report({ ok: false, line: `zalo getMe: ${describe(err, config)}` });
    }
  }

  return checks.every((c) => c.ok) ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// cells

async function cellCreate(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { name: { type: 'string' }, superior: { type: 'string' }, secretary: { type: 'string' }, telegram: { type: 'string' }, zalo: { type: 'string' } },
    allowPositionals: false,
  });
  const missing = (['name', 'superior', 'secretary'] as const).filter((k) => !values[k]?.trim());
  if (missing.length > 0) throw new UsageError(`thiếu / missing ${missing.map((k) => `--${k}`).join(', ')}`);
  if (Boolean(values.telegram) === Boolean(values.zalo)) throw new UsageError('cần đúng một trong --telegram <userId> hoặc --zalo <userId> / give exactly one of --telegram or --zalo');
  const channel: ChannelName = values.telegram ? 'telegram' : 'zalo';
  const externalId = (values.telegram ?? values.zalo ?? '').trim();
  if (channel === 'telegram' && !/^\d+$/.test(externalId)) throw new UsageError('--telegram cần số id người dùng Telegram / expects a numeric Telegram user id');
  const input = { name: values.name ?? '', superiorName: values.superior ?? '', secretaryName: values.secretary ?? '' };

  // Check names before the service touches the secretary's account, so a refused name is never stored.
  for (const check of [checkCellName(input.name), checkCellName(input.superiorName), checkFullName(input.secretaryName)]) if (!check.ok) throw new DomainError(check.code);

  const store = openStore(config.DATABASE_PATH);
  try {
    const { services } = buildServices(store, config, systemClock, {});
    const cell = services.cells.createFromCli({ ...input, channel, externalId });
    out(`✓ Đã tạo chi bộ / cell created: #${cell.id} ${cell.name}`);
    return 0;
  } finally {
    store.close();
  }
}

async function cellList(config: Config, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, allowPositionals: false });
  const store = openStore(config.DATABASE_PATH);
  try {
    const { repos } = buildServices(store, config, systemClock, {});
    const cells = repos.cells.list();
    if (cells.length === 0) {
      out('Chưa có chi bộ nào / no cells yet');
      return 0;
    }
    out(['id', 'name', 'superior', 'members', 'group'].join('\t'));
    for (const c of cells) out([c.id, c.name, c.superiorName, repos.members.list(c.id, ['active']).length, c.telegramGroupId === null ? 'no' : 'yes'].join('\t'));
    return 0;
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// the member roll

/** `members:import <file> --cell <id> [--dry-run] [--match <row>=<memberId>]…`: the same checks and preview as in chat. */
async function membersImport(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { cell: { type: 'string' }, 'dry-run': { type: 'boolean' }, match: { type: 'string', multiple: true } }, allowPositionals: true });
  const [file, ...rest] = positionals;
  if (!file || rest.length > 0 || !values.cell || !/^\d+$/.test(values.cell)) throw new UsageError('usage: members:import <file> --cell <id> [--dry-run] [--match <dòng/row>=<memberId>]');
  if (!existsSync(file)) throw new UsageError(`không thấy tệp / no such file: ${file}`);
  const cellId = Number(values.cell);
  const store = openStore(config.DATABASE_PATH);
  try {
    const { services, deps, translator } = buildServices(store, config, systemClock, {});
    const cell = services.cells.get(cellId);
    const vocabulary = rosterVocabulary(translator);
    const roster = new RosterService(deps, services.access, services.settings, new DuesService(deps, services.access, services.settings), vocabulary);
    const t = translator.for(cell.locale ?? config.DEFAULT_LOCALE);
    const name = basename(file);
    const outcome = roster.preview(operatorImporter, cellId, await readRosterFile(readFileSync(file), name, vocabulary), name);
    if (!outcome.ok) {
      out(problemsText(t, name, outcome.problems));
      return 1;
    }
    let preview = outcome.preview;
    let applied = false;
    // Whatever stops the run short, the preview (which may hold income bases) is not left behind.
    try {
      for (const m of values.match ?? []) {
        const [line, id] = m.split('=').map(Number);
        if (!Number.isInteger(line) || !Number.isInteger(id)) throw new UsageError(`--match ${m}: cần <dòng>=<id> / expects <row>=<memberId>`);
        preview = roster.resolve(operatorImporter, preview.importId, line as number, id as number);
      }
      out(previewText(t, preview));
      const ambiguous = preview.plan.rows.flatMap((r) => (r.kind === 'ambiguous' ? [r] : []));
      if (ambiguous.length > 0) {
        for (const r of ambiguous) {
          out(t('roster.ambiguous', { line: r.row.line, name: r.row.fullName, count: r.candidates.length }));
          for (const id of r.candidates) out(`  --match ${r.row.line}=${id}  ${candidateText(t, preview.members.get(id) as MemberRow)}`);
          out(`  --match ${r.row.line}=0  ${t('roster.newPerson')}`);
        }
        return 2;
      }
      if (values['dry-run']) {
        out('(--dry-run: chưa thay đổi gì / nothing changed)');
        return 0;
      }
      out(appliedText(t, cell.name, roster.apply(operatorImporter, preview.importId)));
      applied = true;
      return 0;
    } finally {
      if (!applied) roster.cancelIfOpen(operatorImporter, preview.importId);
    }
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// backup and jobs

async function backup(config: Config, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const [file, ...rest] = positionals;
  if (!file || rest.length > 0) throw new UsageError('cần đúng một đường dẫn tệp / usage: backup <file>');
  const target = resolve(file);
  if (config.DATABASE_PATH !== ':memory:' && target === resolve(config.DATABASE_PATH)) throw new UsageError('tệp sao lưu không được trùng cơ sở dữ liệu / the backup cannot overwrite the database');
  const store = openStore(config.DATABASE_PATH);
  try {
    await backupTo(store, target);
  } finally {
    store.close();
  }
  out(`✓ ${target} ${statSync(target).size} bytes`);
  return 0;
}

async function jobsRun(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { at: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } }, allowPositionals: false });
  const at = values.at === undefined ? Date.now() : Date.parse(values.at);
  if (!Number.isFinite(at)) throw new UsageError(`--at cần thời điểm ISO, ví dụ 2026-01-31T03:00:00+07:00 / expects an ISO time: ${values.at ?? ''}`);
  const dryRun = values['dry-run'] === true;
  // Time runs on from --at, so a retry the run schedules (after a 429, say) comes due within it.
  const started = Date.now();
  const clock: Clock = { now: () => at + (Date.now() - started) };

  // runJobs reports only the send count; the daily backup is seen as the file tick() writes for this day.
  const backupFile = config.DATABASE_PATH === ':memory:' ? null : join(dirname(resolve(config.DATABASE_PATH)), 'backups', `chibo-${isoDateIn(at, config.DEFAULT_TIMEZONE)}.db`);
  const mtimeBefore = backupFile && existsSync(backupFile) ? statSync(backupFile).mtimeMs : null;

  const app = await createApp(config, cliLogger(config), clock);
  let sent: number;
  try {
    ({ sent } = await app.runJobs(at, { dryRun }));
  } finally {
    await app.stop();
  }
  const wrote = backupFile !== null && existsSync(backupFile) && statSync(backupFile).mtimeMs !== mtimeBefore;
  out(JSON.stringify({ at: new Date(at).toISOString(), dryRun, sent, backup: wrote ? backupFile : null }));
  return 0;
}

// ---------------------------------------------------------------------------------------------

const commands: Record<string, (config: Config, args: string[]) => Promise<number>> = {
  doctor,
  'cell:create': cellCreate,
  'cell:list': cellList,
  'members:import': membersImport,
  backup,
  'jobs:run': jobsRun,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return 0;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`Lệnh không có / unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }

  loadDotenv({ quiet: true });
  // i18next prints an advert on stdout on first init; keep stdout to our own lines.
  process.env.I18NEXT_NO_SUPPORT_NOTICE ??= '1';
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Cấu hình chưa đúng / configuration error: ${err.message}`);
      return 78;
    }
    throw err;
  }

  try {
    return await run(config, args);
  } catch (err) {
    if (isDomainError(err)) {
      console.error(new Translator('vi').for('vi')(`errors.${err.code}`, err.params));
      return 2;
    }
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(err.message);
      return 2;
    }
    console.error(`Lỗi / failed: ${describe(err, config)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Lỗi / failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
