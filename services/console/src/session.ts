import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api/schema';

export type StaffRole = components['schemas']['LogInResponse']['role'];
export interface Session {
  token: string;
  role: StaffRole;
  expiresAt: string;
  username: string;
}

const KEY = 'siyu.console.session';

// sessionStorage: the token dies with the tab; it is never put in a URL or a cookie.
export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  const s = JSON.parse(raw) as Session;
  return new Date(s.expiresAt) > new Date() ? s : null;
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

let onUnauthorized: () => void = () => {};
export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

const auth: Middleware = {
  onRequest({ request }) {
    const s = loadSession();
    if (s) request.headers.set('Authorization', `Bearer ${s.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && loadSession()) onUnauthorized();
    return response;
  },
};

/** The typed client: paths and bodies come from the generated OpenAPI types, never written by hand. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

export interface ApiError {
  code: string;
  message: string;
}

export function errorOf(e: unknown): ApiError {
  const body = e as Partial<ApiError> | undefined;
  return { code: body?.code ?? 'ERROR', message: body?.message ?? String(e) };
}
