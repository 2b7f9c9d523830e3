import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isoDateIn } from '../conversation/format.js';
import type { Logger } from '../logger.js';
import { backupTo, type Store } from '../store/db.js';
import type { Repos } from '../services/context.js';
import type { FileLinks } from '../http/files.js';
import type { Job } from '../modules.js';

export interface TickDeps {
  store: Store;
  repos: Repos;
  files: FileLinks;
  log: Logger;
  jobs: Job[];
  databasePath: string;
  backupKeep: number;
  timezone: string;
}

export interface TickReport {
  backup: string | null;
  jobs: string[];
}

/**
 * The scheduled work, computed from the database at `now` and keyed per window, so a restart,
 * a missed minute or `jobs:run` can never do a window's work twice.
 */
export async function tick(deps: TickDeps, now: number, opts: { dryRun?: boolean } = {}): Promise<TickReport> {
  const report: TickReport = { backup: null, jobs: [] };
  // Each feature's job decides from the database what is due; one failing job does not stop the others.
  for (const job of deps.jobs) {
    try {
      await job.run(now, { dryRun: opts.dryRun ?? false });
      report.jobs.push(job.name);
    } catch (err) {
      deps.log.error({ err, job: job.name }, 'job failed');
    }
  }
  const day = isoDateIn(now, deps.timezone);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hour12: false, timeZone: deps.timezone }).format(now));
  if (deps.databasePath !== ':memory:' && hour >= 2 && !opts.dryRun && deps.repos.outbox.claimJob(`backup:${day}`, now)) {
    report.backup = await dailyBackup(deps, day);
  }
  if (!opts.dryRun && deps.repos.outbox.claimJob(`prune:${day}`, now)) {
    deps.repos.conversations.pruneProcessed(now - 30 * 86_400_000);
    deps.files.prune();
  }
  return report;
}

async function dailyBackup(deps: TickDeps, day: string): Promise<string> {
  const dir = join(dirname(resolve(deps.databasePath)), 'backups');
  const file = join(dir, `chibo-${day}.db`);
  await backupTo(deps.store, file);
  const old = readdirSync(dir)
    .filter((f) => /^chibo-\d{4}-\d{2}-\d{2}\.db$/.test(f))
    .sort()
    .reverse()
    .slice(deps.backupKeep);
  for (const f of old) rmSync(join(dir, f));
  deps.log.info({ file, removed: old.length }, 'daily backup written');
  return file;
}
