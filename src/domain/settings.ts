import { z } from 'zod';

/**
 * Per-cell settings (the rules marked "setting" in the domain brief), with their defaults.
 * Stored as JSON on the cell; unknown or invalid values fall back to the default one by one.
 */
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const cellSettingsSchema = z.object({
  meetings: z
    .object({
      /** Usual day of the month and time of the regular meeting. */
      usualDay: z.number().int().min(1).max(28).default(5),
      usualTime: time.default('14:00'),
      /** 'half': more than half of expected full members; 'twoThirds': at least two thirds. */
      quorum: z.enum(['half', 'twoThirds']).default('half'),
      /** Reminder offsets before the start, in minutes: 3 days, 1 day, 2 hours. */
      reminderOffsets: z.array(z.number().int().positive()).default([4320, 1440, 120]),
      quietFrom: time.default('21:00'),
      quietTo: time.default('07:00'),
      checkInMode: z.enum(['code', 'button']).default('button'),
      checkInBeforeMinutes: z.number().int().min(0).max(240).default(30),
      checkInAfterMinutes: z.number().int().min(0).max(480).default(60),
      /** A contact (name, phone or chat) at the superior committee to notify of meetings. */
      superiorContact: z.string().max(200).nullable().default(null),
    })
    .prefault({}),
  dues: z
    .object({
      /** Day of the month the monthly reminder goes out. */
      reminderDay: z.number().int().min(1).max(28).default(5),
      /** Fixed monthly amount for farmers and others, in đồng. */
      otherAmount: z.number().int().min(0).max(1_000_000).default(10_000),
      /** Fixed monthly amount for members abroad, in đồng (separate rules). */
      abroadAmount: z.number().int().min(0).max(10_000_000).default(0),
      /** Share of collected dues the cell keeps (the rest goes up). */
      shareKept: z.number().min(0).max(1).default(0.3),
      /** Round amounts to this many đồng (1 = to the đồng). */
      roundTo: z.number().int().min(1).max(1000).default(1),
      /** Days between nudges about unpaid months (weekly by default). */
      nudgeEveryDays: z.number().int().min(1).max(28).default(7),
    })
    .prefault({}),
  feedback: z
    .object({
      /** Hour of day (cell time zone) the anonymous feedback digest goes out. */
      digestHour: z.number().int().min(0).max(23).default(18),
      /** Anonymous items (feedback and anonymous draft comments) one member may send a day. */
      dailyLimit: z.number().int().min(1).max(50).default(5),
      /** Where answers go: the group (and privately to members without it), or also privately to everyone. */
      answerTo: z.enum(['groupFirst', 'everyone']).default('groupFirst'),
    })
    .prefault({}),
  review: z
    .object({
      /** Review season, month-day, set by the superior each year. */
      seasonStart: z.string().regex(/^\d{2}-\d{2}$/).default('11-01'),
      seasonEnd: z.string().regex(/^\d{2}-\d{2}$/).default('12-31'),
      /** Private reminders to members who have not submitted: this many days before the deadline (and on it). */
      nudgeDaysBefore: z.array(z.number().int().min(1).max(30)).max(5).default([3, 1]),
      /** Hour of day (cell time zone) reminders and counts go out. */
      nudgeHour: z.number().int().min(0).max(23).default(8),
    })
    .prefault({}),
  assignments: z
    .object({
      /** Reminders before a task's deadline, in days (0 = on the day itself). */
      reminderDaysBefore: z.array(z.number().int().min(0).max(30)).max(5).default([3, 1]),
      /** Hour of day (cell time zone) deadline reminders and overdue notices go out; quiet hours still apply. */
      reminderHour: z.number().int().min(0).max(23).default(8),
    })
    .prefault({}),
  pledges: z
    .object({
      /** Month-day the reminder to register the yearly commitment goes out (start of the year). */
      remindOn: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/).default('01-05'),
      /** Month-day the half-year self-check prompt goes out. */
      selfCheckOn: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/).default('07-01'),
      /** Hour of day (cell time zone) both go out. */
      hour: z.number().int().min(0).max(23).default(8),
    })
    .prefault({}),
  residence: z
    .object({
      /** Days before the review season (review.seasonStart) to remind members to get the residence comment (form 3-213); 0 = off. */
      leadDays: z.number().int().min(0).max(90).default(30),
      /** Hour of day (cell time zone) the reminder goes out. */
      hour: z.number().int().min(0).max(23).default(8),
    })
    .prefault({}),
  roster: z
    .object({
      /** Days a personal invite for an imported member stays valid. */
      personalInviteDays: z.number().int().min(1).max(180).default(30),
    })
    .prefault({}),
  scorecard: z
    .object({
      /** Weights of the four criteria, out of 100 (configurable; provinces differ). */
      weights: z.tuple([z.number(), z.number(), z.number(), z.number()]).default([30, 20, 25, 25]),
    })
    .prefault({}),
});

export type CellSettings = z.infer<typeof cellSettingsSchema>;

/** Reads stored settings leniently: what is valid is kept, the rest takes its default. */
export function readSettings(stored: unknown): CellSettings {
  const parsed = cellSettingsSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const base = cellSettingsSchema.parse({});
  const raw = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const section of Object.keys(base) as (keyof CellSettings)[]) {
    const sectionSchema = cellSettingsSchema.shape[section];
    const tried = sectionSchema.safeParse(raw[section] ?? {});
    out[section] = tried.success ? tried.data : keepValid(sectionSchema, raw[section], base[section]);
  }
  return cellSettingsSchema.parse(out);
}

function keepValid(schema: z.ZodType, raw: unknown, fallback: object): object {
  const given = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const result: Record<string, unknown> = { ...fallback };
  for (const [k, v] of Object.entries(given)) {
    const candidate = { ...result, [k]: v };
    if (schema.safeParse(candidate).success) result[k] = v;
  }
  return result;
}
