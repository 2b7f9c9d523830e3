import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, arrears, checkLedger, checkReport, declarations, regenerate, reliefRequest, reminders, setUp, views, type Cast, type Reminders } from './dues-world.js';

describe('party dues on Telegram (buttons): a month cycle and three months of arrears', () => {
  let c: Cast;
  let r: Reminders;
  beforeAll(async () => {
    c = await setUp('telegram');
  }, 60_000);
  afterAll(async () => {
    await c?.w.close();
  });

  it('reminds each member who owes, but not the exempt one', async () => {
    r = await reminders(c);
  }, 30_000);

  it('takes both kinds of declaration, with and without a receipt photo, and the collector confirms or refuses', async () => {
    await declarations(c, r);
  }, 30_000);

  it('refuses paying ahead for an ordinary member and takes it from a temporarily exempt one', async () => {
    await advance(c);
  }, 30_000);

  it('sends a request for reduction to the secretary privately', async () => {
    await reliefRequest(c, r);
  }, 30_000);

  it('shows the month to the collector, and sends the ledger and the report as documents, read back cell by cell', async () => {
    const v = await views(c);
    const collectorId = Number(c.collector.externalId);
    c.collector.choose(v, 'Sổ thu đảng phí (Excel)');
    const xlsx = await c.w.tg.waitFor((call) => call.method === 'sendDocument' && Number(call.params.chat_id) === collectorId);
    const sentXlsx = xlsx.params.document as { filename: string; size: number; contentType: string };
    // The last sheet is the year of Tâm's advance payment for next month.
    expect(sentXlsx.filename).toBe(`so-thu-dang-phi-${c.m0.endsWith('-12') ? Number(c.m0.slice(0, 4)) + 1 : c.m0.slice(0, 4)}.xlsx`);
    const ledger = await regenerate(c, c.collector, 'ledger');
    expect(ledger.length).toBe(sentXlsx.size);
    await checkLedger(c, ledger);
    c.collector.choose(v, 'Báo cáo tháng');
    const docx = await c.w.tg.waitFor((call) => call.method === 'sendDocument' && Number(call.params.chat_id) === collectorId && String((call.params.document as { filename: string }).filename).endsWith('.docx'));
    const sentDocx = docx.params.document as { filename: string; size: number; contentType: string };
    expect(sentDocx.filename).toBe(`bao-cao-dang-phi-${c.m0}.docx`);
    expect(sentDocx.size).toBeGreaterThan(5_000);
    checkReport(c, await regenerate(c, c.collector, 'report'));
  }, 30_000);

  it('nudges about arrears month after month, ends the reduction, and flags the three-month rule to the secretary only', async () => {
    await arrears(c);
  }, 120_000); // three months of CLI job runs: about 50 s alone on two cores, more under load
});
