import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CoreDeps, Feature } from './conversation/context.js';
import { auditFeature } from './conversation/features/audit.js';
import { basics } from './conversation/features/basics.js';
import { cellsFeature } from './conversation/features/cells.js';
import { invitesFeature } from './conversation/features/invites.js';
import { linkFeature } from './conversation/features/link.js';
import { membersFeature } from './conversation/features/members.js';
import { rosterFeature } from './conversation/features/roster.js';
import { rosterVocabulary } from './reports/roster-files.js';
import { RosterService } from './services/roster.js';
import { settingsFeature } from './conversation/features/settings.js';
import { duesFeature, duesNotices } from './conversation/features/dues.js';
import { DuesCycle } from './services/dues-cycle.js';
import { DuesReports } from './services/dues-reports.js';
import { DuesService } from './services/dues.js';
import { meetingsFeature } from './conversation/features/meetings.js';
import { AttendanceService } from './services/meetings-attendance.js';
import { MeetingJobs } from './services/meetings-jobs.js';
import { MeetingService } from './services/meetings.js';
import { MeetingRepo } from './store/repos/meetings.js';
import { feedbackFeature } from './conversation/features/feedback.js';
import { selfReviewFeature } from './conversation/features/selfReview.js';
import { FeedbackSecrets, feedbackSecretFrom, Keyring, NoteCipher, parseKeyring } from './services/crypto.js';
import { FeedbackService } from './services/feedback.js';
import { SelfReviewService } from './services/selfReview.js';
import { FeedbackRepo } from './store/repos/feedback.js';
import { SelfReviewRepo } from './store/repos/selfReview.js';
import { assignmentsFeature } from './conversation/features/assignments.js';
import { monthlyCheckFeature } from './conversation/features/monthlyCheck.js';
import { pledgesFeature } from './conversation/features/pledges.js';
import { residenceFeature } from './conversation/features/residence.js';
import { AssignmentService } from './services/assignments.js';
import { IndicatorRegistry } from './services/indicators.js';
import { inputIndicators } from './services/indicators-inputs.js';
import { MonthlyCheckService } from './services/monthlyCheck.js';
import { PledgeService } from './services/pledges.js';
import { ResidenceService } from './services/residence.js';
import { AssignmentRepo } from './store/repos/assignments.js';
import { MonthlyCheckRepo } from './store/repos/monthlyCheck.js';
import { PledgeRepo } from './store/repos/pledges.js';
import { ResidenceRepo } from './store/repos/residence.js';
import { summaryFeature } from './conversation/features/summary.js';
import { summaryText } from './reports/summary-text.js';
import { SummaryService } from './services/summary.js';
import { SummaryRepo } from './store/repos/summary.js';
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
  // Indicators beside each 4 Tốt criterion (monthly check, /tongket): each feature adds its sources here (see src/services/indicators.ts).
  const indicators = new IndicatorRegistry(_deps.log.child({ feature: 'indicators' }));

  const dues = new DuesService(_deps.serviceDeps, _deps.core.services.access, _deps.core.services.settings);
  // The member roll from a spreadsheet (issue 10): import with preview, personal invites, export.
  {
    const { serviceDeps, core } = _deps;
    const vocabulary = rosterVocabulary(core.translator);
    const roster = new RosterService(serviceDeps, core.services.access, core.services.settings, dues, vocabulary);
    features.push(rosterFeature({ roster, vocabulary }));
    jobs.push({
      name: 'roster',
      run: (now, { dryRun }) => {
        if (!dryRun) roster.expireStale(now);
      },
    });
  }
  // Party dues (issue 4): amounts, declarations and confirmation, the monthly cycle, ledger and report.
  {
    const { serviceDeps, core } = _deps;
    features.push(duesFeature(dues, new DuesReports(serviceDeps, dues)));
    const cycle = new DuesCycle(serviceDeps, dues, core.services.settings, core.services.notifier, duesNotices);
    jobs.push({
      name: 'dues.cycle',
      run: (now, opts) => {
        cycle.run(now, opts);
      },
    });
  }
  // Meetings (issue 3): planning and invitations, answers, reminders, check-in, absences, quorum, minutes header.
  {
    const { serviceDeps, core, store, log } = _deps;
    const m = { deps: serviceDeps, access: core.services.access, notifier: core.services.notifier, settings: core.services.settings, repo: new MeetingRepo(store.db) };
    const meetings = new MeetingService(m);
    const attendance = new AttendanceService(m);
    features.push(meetingsFeature({ meetings, attendance }));
    jobs.push(new MeetingJobs(m, meetings, attendance, log.child({ feature: 'meetings' })).job());
  }
  // Anonymous feedback and private self-criticism (issue 5): góp ý, drafts for comments, tự kiểm điểm.
  {
    const { serviceDeps, core, store, log, config } = _deps;
    const feedbackRepo = new FeedbackRepo(store);
    // Freed pages are zeroed, so a wiped dialogue does not linger in the database file.
    feedbackRepo.hardenStorage();
    const secret = feedbackSecretFrom(config);
    const secrets = new FeedbackSecrets(secret.secret);
    const keyring = new Keyring(parseKeyring(config.SELF_REVIEW_KEYS));
    if (config.NODE_ENV === 'production' && keyring.usingDevKey) log.warn('SELF_REVIEW_KEYS is not set: self-criticism notes are encrypted with the public development key; set SELF_REVIEW_KEYS (see .env.example)');
    if (config.NODE_ENV === 'production' && secret.derived) log.warn('FEEDBACK_SECRET is not set: anonymous-feedback keys are derived from the bot tokens, and changing a token voids old tickets; set FEEDBACK_SECRET');
    const shared = { access: core.services.access, notifier: core.services.notifier, settings: core.services.settings };
    const feedback = new FeedbackService(serviceDeps, { ...shared, repo: feedbackRepo, secrets });
    const selfReview = new SelfReviewService(serviceDeps, { ...shared, repo: new SelfReviewRepo(store.db), cipher: new NoteCipher(keyring), log: log.child({ feature: 'selfReview' }) });
    features.push(feedbackFeature({ feedback, secrets }), selfReviewFeature({ selfReview }));
    jobs.push(
      {
        name: 'feedback',
        run: (now, { dryRun }) => {
          feedback.closeDueDrafts(now, dryRun);
          feedback.runDigests(now, dryRun);
          if (!dryRun) feedback.housekeeping(now);
        },
      },
      {
        name: 'selfReview',
        run: (now, { dryRun }) => {
          selfReview.nudge(now, dryRun);
          if (!dryRun) selfReview.reencrypt();
        },
      },
    );
  }
  // Inputs of the 4 Tốt scorecard (issue 6, items 1–2c): assignments, yearly pledges, the monthly check, residence comments.
  {
    const { serviceDeps, core, store, log } = _deps;
    const shared = { access: core.services.access, notifier: core.services.notifier, settings: core.services.settings };
    const assignments = new AssignmentService(serviceDeps, { ...shared, repo: new AssignmentRepo(store.db), log: log.child({ feature: 'assignments' }) });
    const pledges = new PledgeService(serviceDeps, { ...shared, repo: new PledgeRepo(store.db), log: log.child({ feature: 'pledges' }) });
    const residence = new ResidenceService(serviceDeps, { ...shared, repo: new ResidenceRepo(store.db), log: log.child({ feature: 'residence' }) });
    indicators.add(...inputIndicators({ deps: serviceDeps, assignments, pledges, residence, shared: indicators.shared }));
    const monthlyCheck = new MonthlyCheckService(serviceDeps, { ...shared, repo: new MonthlyCheckRepo(store.db), indicators, meetings: new MeetingRepo(store.db), log: log.child({ feature: 'monthlyCheck' }) });
    features.push(assignmentsFeature({ assignments }), pledgesFeature({ pledges }), monthlyCheckFeature({ monthlyCheck }), residenceFeature({ residence }));
    jobs.push(
      { name: 'assignments', run: (now, { dryRun }) => void assignments.runJob(now, dryRun) },
      { name: 'pledges', run: (now, { dryRun }) => void pledges.runJob(now, dryRun) },
      { name: 'monthlyCheck', run: (now, { dryRun }) => void monthlyCheck.runJob(now, dryRun) },
      { name: 'residence', run: (now, { dryRun }) => void residence.runJob(now, dryRun) },
    );
  }
  // Summary (issue 6, items 3–8): /tongket, the 4 Tốt scorecard, files, chart, roll-up, scheduled digests.
  {
    const { serviceDeps, core, store, log } = _deps;
    const summary = new SummaryService(serviceDeps, {
      access: core.services.access,
      settings: core.services.settings,
      repo: new SummaryRepo(store),
      indicators,
      monthlyChecks: new MonthlyCheckRepo(store.db),
      notifier: core.services.notifier,
      digestText: summaryText,
      log: log.child({ feature: 'summary' }),
    });
    indicators.add(...summary.indicatorSources());
    features.push(summaryFeature({ summary }));
    jobs.push({ name: 'summary', run: (now, { dryRun }) => void summary.runJob(now, dryRun) });
  }
  return { features, jobs };
}
