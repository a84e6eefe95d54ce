// Unit tests of the browser client, run by node's test runner (`node --test web/test/`, part of mvn verify
// through local/pom.xml). A fake fetch plays the service, API Gateway and the network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomInvitesClient, ApiError, errorFromAnswer, isRetryable } from '../room-invites.js';

/** A fetch that answers from a script of steps and records every call. */
function fakeFetch(steps) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if (step instanceof Error) throw step;
    const headers = new Headers(step.headers || {});
    const body = step.body === undefined ? '' : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
    return new Response(step.status === 204 ? null : body, { status: step.status, headers });
  };
  return { fetch, calls };
}

function client(steps, extra = {}) {
  const f = fakeFetch(steps);
  const sleeps = [];
  const c = new RoomInvitesClient({ baseUrl: 'https://api.example.com/', fetch: f.fetch, sleep: async (ms) => { sleeps.push(ms); }, ...extra });
  return { c, calls: f.calls, sleeps };
}

const contractError = (status, code, more = {}) => ({
  status, headers: { 'x-request-id': 'req-1' }, body: { error: { code, message: `msg ${code}`, requestId: 'req-1', ...more } },
});

test('a contract error becomes an ApiError with its code, message, request id and extra fields', async () => {
  const { c } = client([contractError(403, 'EMAIL_MISMATCH', { attemptsLeft: 3 })]);
  const e = await c.redeem('tok', 'device-0001', 'x@example.org').catch((x) => x);
  assert.ok(e instanceof ApiError);
  assert.equal(e.code, 'EMAIL_MISMATCH');
  assert.equal(e.status, 403);
  assert.equal(e.message, 'msg EMAIL_MISMATCH');
  assert.equal(e.requestId, 'req-1');
  assert.equal(e.attemptsLeft, 3);
  assert.deepEqual(e.toJSON(), { error: { code: 'EMAIL_MISMATCH', message: 'msg EMAIL_MISMATCH', requestId: 'req-1', attemptsLeft: 3 } });
});

test('field errors keep their fields', async () => {
  const { c } = client([contractError(400, 'INVALID_REQUEST', { fields: [{ field: 'email', problem: 'is required' }] })]);
  const e = await c.createInvite('r1', { email: '' }).catch((x) => x);
  assert.deepEqual(e.fields, [{ field: 'email', problem: 'is required' }]);
});

test("API Gateway's own answers become the contract's shape", () => {
  const tooMany = errorFromAnswer(429, { message: 'Too Many Requests' }, new Headers({ 'apigw-requestid': 'gw-9' }));
  assert.equal(tooMany.code, 'RATE_LIMITED');
  assert.equal(tooMany.requestId, 'gw-9');
  assert.match(tooMany.message, /Wait a moment/);
  assert.equal(errorFromAnswer(503, { message: 'Service Unavailable' }, new Headers()).code, 'SERVICE_UNAVAILABLE');
  assert.equal(errorFromAnswer(504, { message: 'Endpoint request timed out' }, new Headers()).code, 'TIMEOUT');
  assert.equal(errorFromAnswer(401, { message: 'Unauthorized' }, new Headers()).code, 'UNAUTHENTICATED');
  assert.equal(errorFromAnswer(500, null, new Headers()).code, 'INTERNAL');
  assert.equal(errorFromAnswer(404, { message: 'Not Found' }, new Headers()).code, 'ROUTE_NOT_FOUND');
  assert.deepEqual(Object.keys(tooMany.toJSON().error), ['code', 'message', 'requestId']);
});

test('a network failure and a timeout are ApiErrors too', async () => {
  const net = await client([new TypeError('Failed to fetch')], { maxAttempts: 1 }).c.inviteOptions('r1').catch((x) => x);
  assert.equal(net.code, 'NETWORK_ERROR');
  assert.equal(net.status, 0);
  const hang = new RoomInvitesClient({ fetch: (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))), timeoutMs: 20, maxAttempts: 1 });
  const slow = await hang.jwks().catch((x) => x);
  assert.equal(slow.code, 'TIMEOUT');
});

test('reads are retried after a network failure, a 504 and a 503, then succeed', async () => {
  const { c, calls } = client([new TypeError('Failed to fetch'), { status: 504, body: { message: 'Endpoint request timed out' } },
    { status: 200, body: { invites: [], nextCursor: null } }]);
  const r = await c.listInvites('room 1', { status: 'PENDING', limit: 10 });
  assert.deepEqual(r, { invites: [], nextCursor: null });
  assert.equal(calls.length, 3);
  assert.equal(calls[0].url, 'https://api.example.com/rooms/room%201/invites?status=PENDING&limit=10');
});

test('redeem is not repeated when it is unclear whether it reached the service', async () => {
  for (const failure of [new TypeError('Failed to fetch'), { status: 504, body: { message: 'Endpoint request timed out' } },
    { status: 503, body: { message: 'Service Unavailable' } }]) {
    const { c, calls } = client([failure, { status: 200, body: {} }]);
    await assert.rejects(c.redeem('tok', 'device-0001', 'a@example.org'), ApiError);
    assert.equal(calls.length, 1);
  }
});

test("redeem is repeated after throttling and after the service's own 503 (nothing written), honouring Retry-After", async () => {
  const { c, calls, sleeps } = client([{ status: 429, headers: { 'retry-after': '2' }, body: { message: 'Too Many Requests' } },
    contractError(503, 'SERVICE_UNAVAILABLE'), { status: 200, body: { role: 'VIEWER' } }]);
  const r = await c.redeem('tok', 'device-0001');
  assert.equal(r.role, 'VIEWER');
  assert.equal(calls.length, 3);
  assert.ok(sleeps[0] >= 1000 && sleeps[0] <= 2000, `slept ${sleeps[0]} ms for Retry-After: 2`);
});

test('a create carries one Idempotency-Key, the same on every retry, so it is retried safely', async () => {
  const { c, calls } = client([new TypeError('Failed to fetch'), { status: 201, body: { link: 'https://x/join#invite=t' } }]);
  await c.createInvite('r1', { email: 'a@example.org', firstName: 'A', lastName: 'B', role: 'VIEWER' });
  assert.equal(calls.length, 2);
  const k1 = calls[0].init.headers['idempotency-key'];
  assert.ok(k1 && k1.length >= 16);
  assert.equal(calls[1].init.headers['idempotency-key'], k1);
  const given = client([{ status: 201, body: {} }]);
  await given.c.createInvite('r1', {}, { idempotencyKey: 'mine-1' });
  assert.equal(given.calls[0].init.headers['idempotency-key'], 'mine-1');
});

test('promote, resend, reissue and the dev clock are not repeated after a network failure', async () => {
  const cases = [(c) => c.promoteInvite('r', 'i', 'MODERATOR'), (c) => c.resendInvite('r', 'i'), (c) => c.reissueInvite('r', 'i'),
    (c) => c.devClock(60)];
  for (const call of cases) {
    const { c, calls } = client([new TypeError('Failed to fetch'), { status: 200, body: {} }]);
    await assert.rejects(call(c), (e) => e.code === 'NETWORK_ERROR');
    assert.equal(calls.length, 1);
  }
});

test('retries stop after maxAttempts and the last error is returned', async () => {
  const { c, calls } = client([{ status: 503, body: { message: 'Service Unavailable' } }]);
  const e = await c.preview('tok').catch((x) => x);
  assert.equal(e.code, 'SERVICE_UNAVAILABLE');
  assert.equal(calls.length, 3);
});

test('isRetryable follows the rules', () => {
  const gw504 = errorFromAnswer(504, null, new Headers());
  assert.equal(isRetryable(gw504, true), true);
  assert.equal(isRetryable(gw504, false), false);
  assert.equal(isRetryable(errorFromAnswer(409, { error: { code: 'LINK_ALREADY_USED', message: 'm', requestId: 'r' } }, null), true), false);
});

test('the bearer token comes from the hook, when there is one; anonymous routes never send it', async () => {
  const { c, calls } = client([{ status: 200, body: {} }], { getBearerToken: async () => 'tok-123' });
  await c.preview('link-token', 'device-0001');
  assert.equal(calls[0].init.headers.authorization, 'Bearer tok-123');
  assert.equal(calls[0].init.method, 'POST');
  assert.deepEqual(JSON.parse(calls[0].init.body), { token: 'link-token', deviceId: 'device-0001' });
  assert.equal(calls[0].init.credentials, 'omit');
  await c.devToken({ email: 'a@example.org' });
  assert.equal(calls[1].init.headers.authorization, undefined);
  const none = client([{ status: 200, body: {} }], { getBearerToken: () => null });
  await none.c.inviteOptions('r');
  assert.equal(none.calls[0].init.headers.authorization, undefined);
});

test('every route a front end uses is wrapped, with its method and path', async () => {
  const { c, calls } = client([{ status: 200, body: {} }]);
  await c.inviteOptions('r');
  await c.inviteeSuggestions('r', 'a d');
  await c.revokeInvite('r', 'i');
  await c.promoteInvite('r', 'i', 'SPEAKER');
  await c.resendInvite('r', 'i');
  await c.reissueInvite('r', 'i', { sendEmail: true });
  await c.releaseDevice('r', 'i');
  await c.bulkInvites('r', { invites: [], sendEmail: false });
  await c.bulkInvitesCsv('r', 'email,firstName,lastName,role\n', { sendEmail: true });
  await c.inviteHistory('r', 'i');
  await c.redeem('t', 'device-0001');
  await c.jwks();
  await c.openidConfiguration();
  await c.getSettings();
  await c.putSettings({});
  await c.putRoom('r', {});
  await c.deleteRoom('r');
  await c.putUser('a@example.org', { firstName: 'A', lastName: 'B' });
  assert.deepEqual(calls.map((x) => `${x.init.method} ${x.url.replace('https://api.example.com', '')}`), [
    'GET /rooms/r/invite-options', 'GET /rooms/r/invitee-suggestions?q=a%20d', 'DELETE /rooms/r/invites/i',
    'POST /rooms/r/invites/i/promote', 'POST /rooms/r/invites/i/resend', 'POST /rooms/r/invites/i/reissue',
    'POST /rooms/r/invites/i/release-device', 'POST /rooms/r/invites/bulk', 'POST /rooms/r/invites/bulk?sendEmail=true',
    'GET /rooms/r/invites/i/history', 'POST /invites/redeem', 'GET /.well-known/jwks.json', 'GET /.well-known/openid-configuration',
    'GET /admin/settings', 'PUT /admin/settings', 'PUT /admin/rooms/r', 'DELETE /admin/rooms/r', 'PUT /admin/users/a%40example.org',
  ]);
  assert.equal(calls[8].init.headers['content-type'], 'text/csv');
  assert.ok(calls[8].init.headers['idempotency-key']);
});

test('204 answers resolve to null; a non-JSON success is a BAD_RESPONSE', async () => {
  assert.equal(await client([{ status: 204 }]).c.deleteRoom('r'), null);
  const e = await client([{ status: 200, body: '<html>proxy page</html>' }]).c.getSettings().catch((x) => x);
  assert.equal(e.code, 'BAD_RESPONSE');
});

test('an export follows its pages by the Link header and answers one file', async () => {
  const { c, calls } = client([
    { status: 200, headers: { 'content-type': 'text/csv', link: '</rooms/r/invites/export?format=csv&cursor=abc%2Bd>; rel="next"' },
      body: 'inviteId,email\r\ni2,b@example.org\r\n' },
    { status: 200, headers: { 'content-type': 'text/csv' }, body: 'i1,a@example.org\r\n' },
  ]);
  const csv = await c.exportInvites('r');
  assert.equal(csv, 'inviteId,email\r\ni2,b@example.org\r\ni1,a@example.org\r\n');
  assert.deepEqual(calls.map((x) => `${x.init.method} ${x.url.replace('https://api.example.com', '')}`),
    ['GET /rooms/r/invites/export?format=csv', 'GET /rooms/r/invites/export?format=csv&cursor=abc%2Bd']);
});

test('a send limit (429 with details) is not retried, and keeps its details', async () => {
  const { c, calls } = client([contractError(429, 'RATE_LIMITED', { details: { limit: 'perManagerPerDay', retryAfterSeconds: 7200 } })]);
  await assert.rejects(c.resendInvite('r', 'i'), (e) => e instanceof ApiError && e.code === 'RATE_LIMITED'
    && e.details.limit === 'perManagerPerDay' && e.details.retryAfterSeconds === 7200);
  assert.equal(calls.length, 1, 'a send limit lasts: the person decides when to try again');
});

test('the page\'s language goes along as Accept-Language, when the page gives one', async () => {
  const ok = { status: 200, body: { state: 'OPEN' } };
  const withLanguage = client([ok], { getLanguage: () => 'de' });
  await withLanguage.c.preview('t', 'device-0001');
  assert.equal(withLanguage.calls[0].init.headers['accept-language'], 'de');
  const without = client([ok]);
  await without.c.preview('t', 'device-0001');
  assert.equal(without.calls[0].init.headers['accept-language'], undefined);
});
