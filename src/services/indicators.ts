import type { Translate } from '../conversation/i18n.js';
import { criteria, type Criterion, type Period } from '../domain/monthlyCheck.js';
import type { Logger } from '../logger.js';

/**
 * Indicators shown beside each criterion of the 4 Tốt check (and, later, in /tongket): what the
 * bot's own data says about a criterion over a period, with the plan's target where there is one.
 *
 * The interface every feature implements to contribute an indicator:
 *
 *   const source: IndicatorSource = {
 *     criterion: 3,                          // the criterion of the plan it informs (1–4, domain brief)
 *     key: 'meetings.attendance',            // unique, stable: "<feature>.<what>"
 *     label: (t) => t('meetings.indicator.attendance'),   // the translator of the reader
 *     value: (cellId, period) => ({ value: '11/12 (92 %)', target: '100 %' }),
 *   };
 *   registry.add(source);                    // in the feature's block of src/modules.ts
 *
 * - `period` is a span of calendar days in the cell's time zone, both ends included ({ from, to },
 *   ISO yyyy-mm-dd): a month for the monthly check, any range for summaries.
 * - `value` answers from the database, synchronously, without a permission check (only services
 *   call it) and without private contents: counts and ratios, never a member's notes, never anything
 *   anonymous beyond counts. It returns `null` when it has nothing to say for that period (no data
 *   yet, not applicable), and the indicator is then left out.
 * - `value.value` and `value.target` are shown as given, whatever the reader's language, so keep
 *   them language-neutral: numbers, "3/4 (75 %)", "100 %", "≥ 1". Words belong in `label`.
 * - A source that throws is left out of that reading (and logged); the others still show.
 * - Several sources built on one query can share it within a reading through `registry.shared(key,
 *   compute)`: computed once per reading, never cached across readings (so never stale).
 */
export interface IndicatorValue {
  value: number | string;
  target?: string;
}

export interface IndicatorSource {
  criterion: Criterion;
  key: string;
  label(t: Translate): string;
  value(cellId: number, period: Period): IndicatorValue | null;
}

/** One indicator as read for a cell and period. */
export interface IndicatorReading {
  criterion: Criterion;
  key: string;
  label: string;
  value: number | string;
  target?: string;
}

/** The indicators every feature contributes, in the order they were added. */
export class IndicatorRegistry {
  private readonly sources: IndicatorSource[] = [];
  /** Values shared between the sources of the reading in progress (readings are synchronous). */
  private scope: Map<string, unknown> | null = null;

  constructor(private readonly log?: Logger) {}

  add(...sources: IndicatorSource[]): void {
    for (const s of sources) {
      if (this.sources.some((x) => x.key === s.key)) throw new Error(`indicator ${s.key} is registered twice`);
      this.sources.push(s);
    }
  }

  list(): readonly IndicatorSource[] {
    return this.sources;
  }

  /** Within one reading, computes `compute` once per key and hands the result to every source that asks; outside a reading, every time. */
  readonly shared = <T>(key: string, compute: () => T): T => {
    if (!this.scope) return compute();
    if (!this.scope.has(key)) this.scope.set(key, compute());
    return this.scope.get(key) as T;
  };

  read(cellId: number, period: Period, t: Translate): IndicatorReading[] {
    const outer = this.scope;
    this.scope = new Map();
    try {
      return this.readAll(cellId, period, t);
    } finally {
      this.scope = outer;
    }
  }

  private readAll(cellId: number, period: Period, t: Translate): IndicatorReading[] {
    const out: IndicatorReading[] = [];
    for (const s of this.sources) {
      let v: IndicatorValue | null;
      try {
        v = s.value(cellId, period);
      } catch (err) {
        this.log?.error({ err, indicator: s.key, cell: cellId }, 'indicator failed');
        continue;
      }
      if (v === null) continue;
      out.push({ criterion: s.criterion, key: s.key, label: s.label(t), value: v.value, ...(v.target !== undefined ? { target: v.target } : {}) });
    }
    return out;
  }

  /** The readings grouped by criterion, every criterion present. */
  readByCriterion(cellId: number, period: Period, t: Translate): Record<Criterion, IndicatorReading[]> {
    const readings = this.read(cellId, period, t);
    return Object.fromEntries(criteria.map((c) => [c, readings.filter((r) => r.criterion === c)])) as Record<Criterion, IndicatorReading[]>;
  }
}
