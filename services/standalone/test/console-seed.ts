import { adminQuery, waitFor } from '@siyu/testing';
import type { RunningConsole } from './console-app';
import { FIXTURE, formNonce, shownNoticeFields, tmallCsv } from './walking-skeleton.flow';

/** A fetch against the running console's API with a staff token. */
export async function callApi(
  server: RunningConsole,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function apiLogIn(server: RunningConsole, username: string, password: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/identity/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return ((await res.json()) as { token: string }).token;
}

const form = (fields: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: fields,
});

/**
 * Members the real way (door 2, R7): ops imports a Tmall export, a parcel card is issued per order,
 * and each buyer scans it, types a phone, enters the one-time code from the sandbox SMS and agrees to
 * marketing messages by SMS. Returns how many members audience then holds.
 */
export async function seedMembersThroughQr(server: RunningConsole, opsToken: string): Promise<number> {
  const imported = await callApi(
    server,
    'POST',
    '/api/v1/orders/imports?platform=tmall&shop=shop-members',
    opsToken,
    tmallCsv(),
    'text/csv',
  );
  if (imported.status !== 201) throw new Error(`import: ${imported.status} ${await imported.text()}`);
  const buyers = [FIXTURE.buyerA, FIXTURE.buyerC];
  for (const buyer of buyers) {
    const found = (await (
      await callApi(
        server,
        'GET',
        `/api/v1/orders/lookup?orderNo=${buyer.order}&purpose=after_sales`,
        opsToken,
      )
    ).json()) as { matches: { orderRef: string }[] };
    const invitation = (await (
      await callApi(server, 'POST', `/api/v1/orders/${found.matches[0].orderRef}/invitations`, opsToken)
    ).json()) as { token: string };
    const q = `${server.url}/q/${invitation.token}`;
    const landing = await (await fetch(q)).text();
    const agreePage = await (
      await fetch(`${q}/code`, form(`phone=${buyer.phone}&nonce=${encodeURIComponent(formNonce(landing))}`))
    ).text();
    const [sms] = await adminQuery<{ body: string }>(
      server.adminUrl,
      'SELECT body FROM consent.sandbox_sms ORDER BY id DESC LIMIT 1',
    );
    const code = /验证码(\d{6})/.exec(sms.body)![1];
    const done = await fetch(
      `${q}/agree`,
      form(
        `phone=${buyer.phone}&code=${code}&purposes=marketing_messages&channels=sms&agree=yes` +
          `&nonce=${encodeURIComponent(formNonce(agreePage))}${shownNoticeFields(agreePage)}`,
      ),
    );
    if (done.status !== 200) throw new Error(`agree: ${done.status}`);
  }
  await waitFor(
    async () =>
      (await adminQuery(server.adminUrl, 'SELECT 1 FROM audience.members')).length === buyers.length,
    'members in audience',
  );
  return buyers.length;
}
