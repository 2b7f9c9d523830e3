/**
 * The roll-import benchmark (`BENCH=roster npm run bench`): a 5,000-row Excel file, written like the
 * template a secretary fills (Vietnamese names, Excel date cells, text dates, income bases), read,
 * checked, previewed and imported into a real SQLite file with the real migrations, in-process,
 * the way the chat and the CLI do it. Then the same file again (nothing changes) and an export.
 *
 * Target: importing 5,000 rows (read + check + preview + apply) under 5 seconds.
 */
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServices } from '../src/app.js';
import type { Clock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { readRosterFile, rosterExportXlsx, rosterTemplateXlsx, rosterVocabulary } from '../src/reports/roster-files.js';
import { DuesService } from '../src/services/dues.js';
import { operatorImporter, RosterService } from '../src/services/roster.js';
import { openStore } from '../src/store/db.js';

const ROWS = Number(process.env.BENCH_ROSTER_ROWS ?? 5000);
const RUNS = 3;
const families = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const middles = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thanh', 'Ngọc', 'Quốc', 'Thu', 'Hoài', 'Xuân', 'Kim'];
const givens = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hùng', 'Hưng', 'Khánh', 'Lan', 'Long', 'Mai', 'Nam', 'Oanh', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Uyên', 'Việt', 'Yến', 'Thắng', 'Trung', 'Hằng', 'Nhung', 'Tuấn'];

async function file(template: Buffer): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  for (let i = 0; i < ROWS; i++) {
    const name = `${families[i % 16]} ${middles[Math.floor(i / 16) % 12]} ${givens[Math.floor(i / 4992) % 26]} ${givens[Math.floor(i / 192) % 26]}`;
    const since = i % 2 === 0 ? new Date(Date.UTC(1980 + (i % 45), i % 12, (i % 28) + 1)) : `${(i % 28) + 1}/${(i % 12) + 1}/${1980 + (i % 45)}`;
    ws.addRow([name, i % 50 === 0 ? 'Chi ủy viên' : 'Đảng viên', 'Chính thức', since, null, null, null, null, null, 'Có đóng BHXH bắt buộc (1% lương đóng BHXH)', i % 3 === 0 ? 6_000_000 + i * 1000 : null, '2A', `Tổ ${(i % 12) + 1}`]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function runRosterBench(): Promise<boolean> {
  const config = loadConfig({ NODE_ENV: 'test', BOT_TOKEN: '123456:BENCH-token', DATABASE_PATH: ':memory:' });
  const clock: Clock = { now: () => Date.UTC(2026, 10, 24, 3) };
  const timings: { read: number; preview: number; apply: number; total: number; again: number; exportMs: number; rss: number }[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'chibo-bench-roster-'));
    const store = openStore(join(dir, 'bench.db'));
    try {
      const { services, deps, translator, repos } = buildServices(store, config, clock, {});
      const t = translator.for('vi');
      const vocabulary = rosterVocabulary(translator);
      const roster = new RosterService(deps, services.access, services.settings, new DuesService(deps, services.access, services.settings), vocabulary);
      const cell = repos.cells.create({ name: 'Chi bộ Khối cơ quan', superiorName: 'Đảng ủy phường', timezone: 'Asia/Ho_Chi_Minh', locale: 'vi', createdAt: clock.now() });
      const data = await file(await rosterTemplateXlsx(t));
      bytes = data.length;

      const start = process.hrtime.bigint();
      const grid = await readRosterFile(data, 'danh-sach.xlsx', vocabulary);
      const read = ms(start);
      const p0 = process.hrtime.bigint();
      const outcome = roster.preview(operatorImporter, cell.id, grid, 'danh-sach.xlsx');
      if (!outcome.ok) throw new Error(`the generated file has problems: ${JSON.stringify(outcome.problems.slice(0, 3))}`);
      const preview = ms(p0);
      const a0 = process.hrtime.bigint();
      const result = roster.apply(operatorImporter, outcome.preview.importId);
      const apply = ms(a0);
      const total = ms(start);
      if (result.created !== ROWS) throw new Error(`imported ${result.created} of ${ROWS}`);

      const g0 = process.hrtime.bigint();
      const again = roster.preview(operatorImporter, cell.id, await readRosterFile(data, 'danh-sach.xlsx', vocabulary), 'danh-sach.xlsx');
      if (!again.ok || again.preview.counts.same !== ROWS) throw new Error('the same file again should change nothing');
      const againMs = ms(g0);
      const e0 = process.hrtime.bigint();
      const records = roster.records(roster.repo.snapshot(cell.id, '2026-11'), true);
      await rosterExportXlsx(t, records, { includeIncome: true, todayIso: '2026-11-24', cellName: 'Chi bộ Khối cơ quan' });
      const exportMs = ms(e0);
      timings.push({ read, preview, apply, total, again: againMs, exportMs, rss: process.memoryUsage().rss / 2 ** 20 });
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const m = (k: keyof (typeof timings)[number]): string => median(timings.map((x) => x[k])).toFixed(0);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`\nRoll import: ${ROWS} rows, ${(bytes / 1024).toFixed(0)} KB xlsx, median of ${RUNS} runs (fresh database each)`);
  say(`  read xlsx ${m('read')} ms · check + preview ${m('preview')} ms · apply ${m('apply')} ms · total ${m('total')} ms (target < 5000 ms)`);
  say(`  same file again (read + preview, nothing to change) ${m('again')} ms · export ${ROWS} rows to xlsx ${m('exportMs')} ms · rss ${m('rss')} MB`);
  return median(timings.map((x) => x.total)) < 5000;
}
