export interface FrontDoorLinks {
  brandName: string;
  /** Shown when the OpenAPI document is served (path such as /api/docs). */
  apiDocsPath?: string;
  /** Shown when the staff console is built and served (path such as /console/). */
  consolePath?: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page at `/`: where a person who opened the printed URL can go. Static: no data, no PII. */
export function renderFrontDoor(links: FrontDoorLinks): string {
  const staff = [
    links.consolePath
      ? `<li><a href="${esc(links.consolePath)}">Staff console</a></li>`
      : '<li>Staff console: not built in this version; staff use the HTTP API below.</li>',
    links.apiDocsPath
      ? `<li><a href="${esc(links.apiDocsPath)}">API reference (OpenAPI)</a></li>`
      : '<li>API reference: every route is under <code>/api/v1/&lt;service&gt;</code> (identity, orders, consent, audience, outreach); see the README.</li>',
    '<li>Log in: <code>POST /api/v1/identity/login</code> with <code>{"username":"admin","password":"…"}</code> (the one-time password printed on first start), then send <code>Authorization: Bearer &lt;token&gt;</code>.</li>',
    '<li>Import an order export: <code>POST /api/v1/orders/imports</code>, or <code>npm run cli -- import export.xlsx --platform jd --shop shop-1</code>.</li>',
  ].join('\n      ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Siyu (私域) · ${esc(links.brandName)}</title>
  <style>
    body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
    h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 1.8rem; }
    code { background: #f3f3f3; padding: 0 0.25rem; border-radius: 3px; } .muted { color: #666; }
  </style>
</head>
<body>
  <h1>Siyu (私域) is running</h1>
  <p class="muted">Consent-first marketing CRM for ${esc(links.brandName)}. This page only says where to go.</p>

  <h2>Health</h2>
  <ul>
    <li><a href="/api/v1/health">Liveness</a> (<code>/api/v1/health</code>): the process answers.</li>
    <li><a href="/api/v1/health/ready">Readiness</a> (<code>/api/v1/health/ready</code>): database, broker, outbox and the consent watermark, per service.</li>
    <li><a href="/metrics">Prometheus metrics</a> (<code>/metrics</code>).</li>
  </ul>

  <h2>Staff</h2>
  <ul>
      ${staff}
  </ul>

  <h2>Customer pages</h2>
  <p class="muted">Customers reach these through signed links (opening one without its token shows nothing), except the public request page.</p>
  <ul>
    <li><code>/q/&lt;token&gt;</code>: the consent page behind the parcel-card QR code (cards: <code>GET /api/v1/orders/invitations/sheet</code>; one QR: <code>GET /api/v1/orders/&lt;orderRef&gt;/invitations/qr.png</code>).</li>
    <li><code>/u/&lt;token&gt;</code>: one-click unsubscribe, the link in every marketing SMS (opening it confirms; the button withdraws).</li>
    <li><code>/p/&lt;token&gt;</code>: the preference centre (staff hand it out with <code>POST /api/v1/consent/subjects/&lt;subjectRef&gt;/preference-link</code>).</li>
    <li><code>/t/&lt;code&gt;</code> and <code>/c/&lt;code&gt;</code>: the short links an SMS and a parcel card's QR carry; they redirect to <code>/u/</code> and <code>/q/</code>.</li>
    <li><a href="/rights">/rights</a>: a customer asks to see, copy or delete what the brand holds, or to withdraw every consent (a one-time code proves the number).</li>
  </ul>

  <h2>Webhooks</h2>
  <ul>
    <li><code>/webhooks/orders/…</code> order pushes, <code>/webhooks/membership/…</code> membership joins, <code>/webhooks/sms/…</code> SMS replies and receipts, <code>/webhooks/wechat</code> WeChat: each verifies its signature.</li>
  </ul>
</body>
</html>
`;
}
