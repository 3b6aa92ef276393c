import type { FormInstance } from 'antd';
import { messages, type Locale } from './messages';

/** An API error body: `{ code, message, details?: { problems } }` (the HTTP edge's shape). */
export interface ApiErrorBody {
  code?: string;
  message?: string;
  details?: { problems?: ({ path: string; message: string } | string)[] };
  /** VALIDATION_FAILED (class-validator at the edge): each field and why. */
  errors?: { field: string; problems: string[] }[];
}

export interface Problem {
  path: string;
  message: string;
}

/** The problems an API error names; string problems (templates) get the path the caller infers. */
export function problemsOf(e: unknown, pathOf: (text: string) => string = () => ''): Problem[] {
  const body = (e ?? {}) as ApiErrorBody;
  if (body.errors?.length) return body.errors.map((e) => ({ path: e.field, message: e.problems.join(', ') }));
  const listed = body.details?.problems ?? [];
  if (listed.length === 0 && body.message) return [{ path: pathOf(body.message), message: body.message }];
  return listed.map((p) => (typeof p === 'string' ? { path: pathOf(p), message: p } : p));
}

/**
 * One line for an API error, in the console's language. The API words its errors in English for
 * developers; its codes are the contract. A code the console knows (`error.<CODE>` in messages.ts)
 * is said in the chosen language; any other shows the API's own problems or message after its code.
 */
export function apiErrorText(e: unknown, locale: Locale): string {
  const body = (e ?? {}) as ApiErrorBody;
  const code = body.code ?? 'ERROR';
  const known = messages[locale][`error.${code}`];
  if (known) return `${code}: ${known}`;
  const said = problemsOf(e)
    .map((p) => p.message)
    .join('; ');
  return `${code}: ${said || messages[locale]['error.ERROR']}`;
}

/**
 * Shows each problem under the form field its path names (`labels.en` → ['labels', 'en'],
 * `model.rule.and[0].tag` → the field `fieldOf` maps it to); returns the ones no field took.
 */
export function showProblemsOnFields(
  form: FormInstance,
  problems: Problem[],
  fieldOf: (path: string) => (string | number)[] | null,
): Problem[] {
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const rest: Problem[] = [];
  for (const p of problems) {
    const name = fieldOf(p.path);
    if (!name) {
      rest.push(p);
      continue;
    }
    const k = JSON.stringify(name);
    const entry = byField.get(k) ?? { name, errors: [] };
    entry.errors.push(p.path ? `${p.path}: ${p.message}` : p.message);
    byField.set(k, entry);
  }
  form.setFields([...byField.values()]);
  return rest;
}

/** Runs `f` once the value has stopped changing for `ms` (live counts while typing). */
export function debounce<A extends unknown[]>(f: (...a: A) => void, ms: number): (...a: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...a: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => f(...a), ms);
  };
}

/** Only the answer to the latest request is applied: an older one arriving late is dropped. */
export function latestOnly() {
  let seq = 0;
  return async <T>(request: () => Promise<T>, apply: (value: T) => void): Promise<void> => {
    const mine = ++seq;
    const value = await request();
    if (mine === seq) apply(value);
  };
}
