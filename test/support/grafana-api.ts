// Plain HTTP calls to a (emulated) Grafana, as a person or a script would make them: used by the
// Grafana tests to make changes "behind Terraform's back" and to inspect the result.
export interface ApiResult {
  status: number;
  body: any;
}

export interface GrafanaApi {
  get(path: string): Promise<ApiResult>;
  post(path: string, body?: unknown): Promise<ApiResult>;
  put(path: string, body?: unknown): Promise<ApiResult>;
  patch(path: string, body?: unknown): Promise<ApiResult>;
  delete(path: string): Promise<ApiResult>;
  /** Like post/put/... but fails unless the status is 2xx; resolves to the body. */
  ok(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any>;
}

/** `auth` is `user:password` (basic) or a token (bearer). */
export function grafanaApi(baseUrl: string, auth: string, options: { orgId?: number } = {}): GrafanaApi {
  const headers: Record<string, string> = {
    authorization: auth.includes(':') ? `Basic ${Buffer.from(auth).toString('base64')}` : `Bearer ${auth}`,
  };
  if (options.orgId !== undefined) headers['x-grafana-org-id'] = String(options.orgId);
  const call = async (method: string, path: string, body?: unknown): Promise<ApiResult> => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path) => call('DELETE', path),
    async ok(method, path, body) {
      const result = await call(method, path, body);
      if (result.status < 200 || result.status >= 300) throw new Error(`${method} ${path} returned ${result.status}: ${JSON.stringify(result.body)}`);
      return result.body;
    },
  };
}

/**
 * Runs `work` (an apply, a destroy) while a person changes things by hand: `changeByHand(id)` for
 * each id in turn, one every 40 ms, until the work ends or the ids run out. Returns what was changed.
 */
export async function whileChangingByHand<T>(
  work: Promise<T>,
  ids: readonly number[],
  changeByHand: (id: number) => Promise<unknown>,
): Promise<{ result: T; added: number[] }> {
  let done = false;
  const added: number[] = [];
  const loop = (async () => {
    while (!done && added.length < ids.length) {
      const id = ids[added.length];
      await changeByHand(id);
      added.push(id);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();
  try {
    return { result: await work, added };
  } finally {
    done = true;
    await loop;
  }
}
