/** What a fake vendor got back from our callback, and how long we took to answer. */
export interface VendorCallResult {
  status: number;
  text: string;
  json: any;
  elapsedMs: number;
}

export async function send(url: string, init: RequestInit): Promise<VendorCallResult> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // Non-JSON answers (WeChat's "success") stay in `text`.
  }
  return { status: res.status, text, json, elapsedMs: performance.now() - started };
}
