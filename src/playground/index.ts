import { pino } from 'pino';
import { ConfigError } from '../config.js';
import { Translator } from '../conversation/i18n.js';
import type { Logger } from '../logger.js';
import { Playground } from './server.js';

export { Playground } from './server.js';
export { playgroundInstead } from './switch.js';

export const DEFAULT_PLAYGROUND_PORT = 3000;
export const DEFAULT_PLAYGROUND_DIR = './data/playground';

/** Why the playground runs: `npm start` without a token, or `npm run playground` on purpose. */
export type PlaygroundReason = 'noToken' | 'asked';

/** Logs go to stderr, warnings and worse unless LOG_LEVEL says otherwise: stdout keeps the one line. */
function playgroundLogger(env: Record<string, string | undefined>): Logger {
  const asked = env.LOG_LEVEL?.trim() ?? '';
  const level = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(asked) ? asked : 'warn';
  return pino(
    { level, redact: { paths: ['text', '*.text', 'caption', '*.caption', 'payload', '*.payload', 'token', '*.token'], censor: '[hidden]' } },
    pino.destination(2),
  );
}

/** The one line `npm start` prints: where the playground is, and how to connect a real bot instead. */
export function startLine(url: string, reason: PlaygroundReason): string {
  const translator = new Translator('vi');
  const key = reason === 'noToken' ? 'playground.cli.startedNoToken' : 'playground.cli.started';
  return `${translator.for('vi')(key, { url })} / ${translator.for('en')(key, { url })}`;
}

class StartError extends Error {}

function portFrom(env: Record<string, string | undefined>): { port: number; explicit: boolean } {
  const raw = env.PLAYGROUND_PORT?.trim();
  if (!raw) return { port: DEFAULT_PLAYGROUND_PORT, explicit: false };
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new StartError(`PLAYGROUND_PORT is invalid: expected a port number (0–65535), e.g. 3000`);
  return { port, explicit: true };
}

/** Starts the playground on 127.0.0.1 (the next free port when 3000 is taken and none was asked for). */
export async function startPlayground(env: Record<string, string | undefined>, log: Logger = playgroundLogger(env)): Promise<Playground> {
  const { port, explicit } = portFrom(env);
  const dir = env.PLAYGROUND_DIR?.trim() || DEFAULT_PLAYGROUND_DIR;
  for (let p = port; ; p++) {
    try {
      return await Playground.start({ dir, port: p, env, log });
    } catch (err) {
      const inUse = (err as { code?: unknown }).code === 'EADDRINUSE';
      if (!inUse || explicit || p >= port + 20) {
        if (inUse) throw new StartError(`port ${p} is in use: set PLAYGROUND_PORT to a free port`);
        throw err;
      }
    }
  }
}

/** Runs the playground until SIGINT/SIGTERM; prints exactly one line to stdout. */
export async function runPlayground(env: Record<string, string | undefined>, reason: PlaygroundReason): Promise<void> {
  const log = playgroundLogger(env);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception'));
  let playground: Playground;
  try {
    playground = await startPlayground(env, log);
  } catch (err) {
    console.error(`Không mở được sân thử / playground failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof StartError || err instanceof ConfigError ? 78 : 1);
  }
  process.stdout.write(`${startLine(playground.url, reason)}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    playground.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
