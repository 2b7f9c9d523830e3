import { afterAll, beforeAll, describe, it } from 'vitest';
import { advance, arrears, checkLedger, checkReport, declarations, download, reliefRequest, reminders, setUp, views, type Cast, type Reminders } from './dues-world.js';

describe('party dues on Zalo (typed numbers only): a month cycle and three months of arrears', () => {
  let c: Cast;
  let r: Reminders;
  beforeAll(async () => {
    c = await setUp('zalo');
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

  it('shows the month to the collector, and the ledger and report come as signed links read back cell by cell', async () => {
    const v = await views(c);
    c.collector.choose(v, 'Sổ thu đảng phí (Excel)');
    const ledger = await c.collector.waitFor('tải tại');
    await checkLedger(c, await download(ledger.text, 'xlsx'));
    c.collector.say('/dangphi');
    const again = await c.collector.waitFor('Đảng phí tháng');
    c.collector.choose(again, 'Báo cáo tháng');
    const report = await c.collector.waitFor(/tải tại .*\.docx/);
    checkReport(c, await download(report.text, 'docx'));
  }, 30_000);

  it('nudges about arrears month after month, ends the reduction, and flags the three-month rule to the secretary only', async () => {
    await arrears(c);
  }, 120_000); // three months of CLI job runs: about 50 s alone on two cores, more under load
});
