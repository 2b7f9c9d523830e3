import type { Logger } from '../../logger.js';
import { ZaloApiError, type ZaloClient } from './client.js';
import type { ZaloUpdate } from './inbound.js';

/**
 * Long polling for Zalo: one update per call, 408 means "nothing new", errors back off
 * from 1 s to 30 s. Updates are handled one at a time, in order.
 */
export class ZaloPoller {
  private running = false;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly client: ZaloClient,
    private readonly handle: (u: ZaloUpdate) => Promise<void>,
    private readonly log: Logger,
    private readonly timeoutSeconds = 30,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let delay = 1000;
    while (this.running) {
      try {
        this.abort = new AbortController();
        const update = await this.client.call<ZaloUpdate | null>('getUpdates', { timeout: this.timeoutSeconds }, this.abort.signal);
        delay = 1000;
        if (update) await this.handle(update);
      } catch (err) {
        if (!this.running) break;
        if (err instanceof ZaloApiError && err.code === 408) continue;
        this.log.warn({ err: err instanceof ZaloApiError ? err.message : String(err), retryInMs: delay }, 'zalo poll failed');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }
}
