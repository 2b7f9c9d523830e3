import 'dotenv/config';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { playgroundInstead } from './playground/switch.js';

/** The composition root: config → app → signals. */
async function main(): Promise<void> {
  // No channel token outside production: the local playground instead of the configuration error.
  if (playgroundInstead(process.env)) {
    const { runPlayground } = await import('./playground/index.js');
    return runPlayground(process.env, 'noToken');
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Cấu hình chưa đúng / configuration error: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL, config.LOG_PRETTY ? config.LOG_PRETTY === 'true' : config.NODE_ENV === 'development' && process.stdout.isTTY);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception'));
  const app = await createApp(config, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await app.start();
  log.info('bot started');
}

main().catch((err: unknown) => {
  console.error(`Không khởi động được / failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
