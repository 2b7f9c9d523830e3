/**
 * A small client for the Zalo Bot Platform HTTP API. No maintained SDK exists, so it calls
 * `<root>/bot<token>/<method>` with fetch. Errors come back with HTTP 200 too: read `ok`.
 */
export class ZaloApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(`Zalo API error ${code}: ${description}`);
  }
}

export interface ZaloMe {
  id: string;
  account_name?: string;
  display_name?: string;
}

export class ZaloClient {
  constructor(
    private readonly token: string,
    private readonly apiRoot: string,
  ) {}

  async call<T>(method: string, body: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    const res = await fetch(`${this.apiRoot.replace(/\/$/, '')}/bot${this.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    let json: { ok?: boolean; result?: T; error_code?: number; description?: string };
    try {
      json = (await res.json()) as typeof json;
    } catch {
      throw new ZaloApiError(res.status >= 400 ? res.status : 502, `invalid response (HTTP ${res.status})`);
    }
    if (json.ok !== true) throw new ZaloApiError(json.error_code ?? res.status, json.description ?? 'unknown error');
    return json.result as T;
  }

  getMe(): Promise<ZaloMe> {
    return this.call<ZaloMe>('getMe');
  }
}
