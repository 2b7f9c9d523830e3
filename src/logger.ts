import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs in production, pretty in development. Callers log ids and event names only:
 * message contents never reach the log (redaction is a second line of defence).
 */
export function createLogger(level: string, pretty: boolean): Logger {
  return pino({
    level,
    redact: { paths: ['text', '*.text', 'caption', '*.caption', 'payload', '*.payload', 'token', '*.token'], censor: '[hidden]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } } : {}),
  });
}
