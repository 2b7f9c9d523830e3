import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CoreDeps, Feature } from './conversation/context.js';
import { auditFeature } from './conversation/features/audit.js';
import { basics } from './conversation/features/basics.js';
import { cellsFeature } from './conversation/features/cells.js';
import { invitesFeature } from './conversation/features/invites.js';
import { linkFeature } from './conversation/features/link.js';
import { membersFeature } from './conversation/features/members.js';
import { settingsFeature } from './conversation/features/settings.js';
import type { Logger } from './logger.js';
import type { ServiceDeps } from './services/context.js';
import type { Store } from './store/db.js';

/** A piece of scheduled work, run on every tick with the time passed in. */
export interface Job {
  name: string;
  run(now: number, opts: { dryRun: boolean }): void | Promise<void>;
}

export interface ModuleDeps {
  store: Store;
  config: Config;
  clock: Clock;
  log: Logger;
  core: CoreDeps;
  serviceDeps: ServiceDeps;
}

/**
 * Every feature's chat handlers and scheduled jobs, in a fixed order (catch-alls live in
 * `basics`). A feature module adds its services, dialogue feature and jobs here.
 */
export function buildModules(_deps: ModuleDeps): { features: Feature[]; jobs: Job[] } {
  const features: Feature[] = [basics, cellsFeature, invitesFeature, membersFeature, linkFeature, settingsFeature, auditFeature];
  const jobs: Job[] = [];
  return { features, jobs };
}
