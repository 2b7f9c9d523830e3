/**
 * Fixtures for the feedback and self-criticism service tests: the two services over a TestWorld
 * (see testing.ts), with a fixed secret and key so tests can check what is and is not stored.
 * Not imported by the bot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import type { Caller, ServiceDeps } from './context.js';
import { FeedbackSecrets, Keyring, NoteCipher, parseKeyring } from './crypto.js';
import { FeedbackService, type FeedbackRandom } from './feedback.js';
import { SelfReviewService } from './selfReview.js';
import type { TestWorld } from './testing.js';
import { FeedbackRepo } from '../store/repos/feedback.js';
import { SelfReviewRepo } from '../store/repos/selfReview.js';
import type { Store } from '../store/db.js';
import { formSections, type NoteContent, type SectionKey } from '../domain/selfReview.js';
import type { ReviewForm } from '../domain/members.js';

export const TEST_FEEDBACK_SECRET = 'feedback-secret-for-service-tests-0123456789';
/** Two fixed 32-byte keys, base64. */
export const TEST_KEY_A = Buffer.alloc(32, 7).toString('base64');
export const TEST_KEY_B = Buffer.alloc(32, 9).toString('base64');

export interface FeedbackWorld {
  feedback: FeedbackService;
  selfReview: SelfReviewService;
  feedbackRepo: FeedbackRepo;
  selfReviewRepo: SelfReviewRepo;
  secrets: FeedbackSecrets;
  keyring: Keyring;
}

export function serviceDepsOf(w: TestWorld): ServiceDeps {
  return { store: w.store, repos: w.repos, clock: w.clock, translator: w.translator, settings: { defaultTimezone: 'Asia/Ho_Chi_Minh', defaultLocale: 'vi', inviteTtlDays: 7 } };
}

export function feedbackWorld(w: TestWorld, opts: { random?: FeedbackRandom; keys?: string } = {}): FeedbackWorld {
  const deps = serviceDepsOf(w);
  const shared = { access: w.services.access, notifier: w.services.notifier, settings: w.services.settings };
  const feedbackRepo = new FeedbackRepo(w.store);
  feedbackRepo.hardenStorage();
  const secrets = new FeedbackSecrets(TEST_FEEDBACK_SECRET);
  const keyring = new Keyring(parseKeyring(opts.keys ?? `a:${TEST_KEY_A}`));
  const selfReviewRepo = new SelfReviewRepo(w.store.db);
  return {
    feedback: new FeedbackService(deps, { ...shared, repo: feedbackRepo, secrets, ...(opts.random ? { random: opts.random } : {}) }),
    selfReview: new SelfReviewService(deps, { ...shared, repo: selfReviewRepo, cipher: new NoteCipher(keyring) }),
    feedbackRepo,
    selfReviewRepo,
    secrets,
    keyring,
  };
}

export type Row = Record<string, unknown>;

const featureTables = ['feedback', 'feedback_limits', 'feedback_open', 'feedback_drafts', 'review_seasons', 'self_reviews', 'outbox', 'conversations'] as const;

export function tableRows(store: Store, table: (typeof featureTables)[number] | 'audit_log' | 'processed_updates'): Row[] {
  return store.sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Row[];
}

/** Everything a refused action of these features must leave as it was. */
export function featureSnapshot(store: Store): Record<string, Row[] | number> {
  const out: Record<string, Row[] | number> = { audit: Number(store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()) };
  for (const t of featureTables) out[t] = tableRows(store, t);
  return out;
}

/** A note with every required section of `form` written, and a level. */
export function completeNote(form: ReviewForm, word = 'Nội dung'): NoteContent {
  const sections: NoteContent['sections'] = {};
  for (const k of formSections[form]) if (k !== 'selfAssessment' && k !== 'previousFixes') sections[k] = [`${word} ${k}`];
  return { sections, level: 'good' };
}

/** Writes a whole note through the service, section by section, as the author would. */
export function writeWholeNote(fw: FeedbackWorld, caller: Caller, cellId: number, seasonId: number, form: ReviewForm, word = 'Nội dung'): void {
  const content = completeNote(form, word);
  for (const [k, paragraphs] of Object.entries(content.sections)) for (const p of paragraphs ?? []) fw.selfReview.write(caller, cellId, seasonId, k as SectionKey, p, 'append');
  fw.selfReview.chooseLevel(caller, cellId, seasonId, 'good');
}

/** The raw bytes of the database file and its write-ahead log, as an attacker who copies them gets them. */
export function rawBytes(dbPath: string): Buffer {
  return Buffer.concat([dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

/** Reads one entry of a .docx (a zip file) with node's zlib: enough to check what the Word file says. */
export function zipEntry(zip: Buffer, name: string): string | null {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return null;
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const entry = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (entry === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + nameLength + extra + comment;
  }
  return null;
}
