/**
 * `npm start` opens the playground instead of failing when no channel token is set, outside
 * production: NODE_ENV unset counts as development (the config's default); `test` and
 * `production` keep the one-line configuration error. Kept free of imports, so a production
 * start never loads the playground.
 */
export function playgroundInstead(env: Record<string, string | undefined>): boolean {
  const noToken = !env.BOT_TOKEN?.trim() && !env.ZALO_BOT_TOKEN?.trim();
  return noToken && (env.NODE_ENV?.trim() || 'development') === 'development';
}
