// room-invites.js: the browser client of the room-invites HTTP API (an ES module, no dependencies).
//
//   import { RoomInvitesClient } from './room-invites.js';
//   const api = new RoomInvitesClient({ baseUrl: 'https://api.example.com', getBearerToken: () => site.token() });
//   try { const opts = await api.inviteOptions('next-level-growth'); } catch (e) { if (e instanceof ApiError) show(e.message); }
//
// Every failure rejects with an ApiError in the contract's shape ({code, message, requestId, status,
// fields?, attemptsLeft?, startsAt?}), including the answers API Gateway gives on its own
// ({"message":"Too Many Requests"}, 503, 504), a network failure and a timeout. Only requests that are
// safe to repeat are retried: reads, previews, revokes, creates carrying an Idempotency-Key, and any
// request the service (or API Gateway's throttling) refused before doing anything.

/**
 * @typedef {'VIEWER'|'SPEAKER'|'MODERATOR'} RoleId
 * @typedef {{id: RoleId, label: string, permissions: string[], permissionLabels?: string[]}} RoleOption
 * @typedef {{canInvite: boolean, reasons: string[], roles: RoleOption[], sendEmailAvailable: boolean, linkTtlMinutes: number,
 *            linkMaxDevices?: number, lobbyAttempts?: number, room?: {roomId: string, title: string, startsAt: string, endsAt: string}}} InviteOptions
 * @typedef {{email: string, firstName: string, lastName: string}} DirectoryUser
 * @typedef {{boundAt: string}} BoundDevice
 * @typedef {{status: 'NOT_REQUESTED'|'QUEUED'|'SENT'|'FAILED', lastEvent?: 'DELIVERED'|'BOUNCED'|'COMPLAINED'|'DELAYED', at?: string,
 *            error?: string, messageId?: string, attempts?: number, history?: {status: string, at: string, error?: string}[]}} EmailDelivery
 * @typedef {{inviteId: string, roomId: string, email: string, firstName: string, lastName: string, role: RoleId,
 *            status: 'PENDING'|'REDEEMED'|'REVOKED'|'EXPIRED', createdAt: string, createdBy: string, expiresAt: string,
 *            redeemedAt?: string|null, revokedAt?: string|null, promotedAt?: string|null, emailDelivery?: EmailDelivery|null,
 *            maxDevices?: number, devices?: BoundDevice[], locked?: boolean, failedEmailAttempts?: number, linkVersion?: number}} Invite
 * @typedef {{status: 'NOT_REQUESTED'|'QUEUED'|'SENT'|'FAILED', messageId?: string, error?: string}} EmailOutcome
 * @typedef {{invite: Invite, link: string, accessCode?: string, email: EmailOutcome}} IssuedLink
 * @typedef {{email: string, firstName: string, lastName: string, role: RoleId, sendEmail?: boolean, maxDevices?: number}} NewInvite
 * @typedef {{row: number, status: 'CREATED'|'FAILED', invite?: Invite, link?: string, error?: {code: string, message: string, fields?: FieldProblem[]}}} BulkRow
 * @typedef {{created: number, failed: number, results: BulkRow[]}} BulkResult
 * @typedef {{type: string, at: string, actor?: {emailMasked?: string}|null, details?: object}} HistoryEvent
 * @typedef {{state: 'NOT_STARTED'|'OPEN'|'ENDED', next: 'WAIT'|'ENTER'|'LOBBY'|null, startsAt: string, endsAt: string,
 *            secondsUntilStart: number, room: {roomId: string, title: string, description: string},
 *            invitee: {firstName: string, role: RoleId}}} Preview
 * @typedef {{accessToken: string, expiresAt: string, role: RoleId, permissions: string[],
 *            room: {roomId: string, title: string, description: string, startsAt?: string, endsAt?: string},
 *            invitee?: {email: string, firstName: string, lastName: string}}} Entry
 * @typedef {{field: string, problem: string}} FieldProblem
 * @typedef {{inviteToMediaEnabled: boolean, emailTemplateName: string|null, blockedDomains: string[], linkTtlMinutes: number,
 *            linkBaseUrl: string, linkMaxDevices?: number}} SiteSettings
 */

/** The roles, lowest first, with the labels the API uses (the invitee's answers carry ids only). */
export const ROLES = Object.freeze([
  { id: 'VIEWER', label: 'Viewer', permissions: ['chat', 'answer_interactions', 'qna'] },
  { id: 'SPEAKER', label: 'Speaker', permissions: ['backchannel', 'interactions', 'qna'] },
  { id: 'MODERATOR', label: 'Moderator', permissions: ['backchannel', 'initiate_interactions', 'qna'] },
]);

/** Permission ids to labels, as the API's invite-options spell them. */
export const PERMISSION_LABELS = Object.freeze({
  chat: 'Chat', answer_interactions: 'Answer interactions', qna: 'Q&A', backchannel: 'Backchannel',
  interactions: 'Interactions', initiate_interactions: 'Initiate interactions',
});

/** @param {string} id @returns {string} */
export function roleLabel(id) {
  const r = ROLES.find((x) => x.id === id);
  return r ? r.label : String(id);
}

/** @param {string[]} ids @returns {string[]} */
export function permissionLabels(ids) {
  return (ids || []).map((p) => PERMISSION_LABELS[p] || String(p));
}

/** Codes this client adds to the contract's own, for failures that never reached the service. */
export const CLIENT_CODES = Object.freeze({
  NETWORK_ERROR: 'NETWORK_ERROR', // no answer at all (offline, DNS, CORS refusal, connection reset)
  TIMEOUT: 'TIMEOUT', // no answer in time, or API Gateway's 504 integration timeout
  BAD_RESPONSE: 'BAD_RESPONSE', // an answer that is not the contract's JSON
});

/** An error in the contract's shape. `status` is 0 when no HTTP answer came back. */
export class ApiError extends Error {
  /**
   * @param {{code: string, message: string, requestId?: string|null, status?: number, fields?: FieldProblem[],
   *          attemptsLeft?: number, startsAt?: string, retryAfterSeconds?: number|null,
   *          details?: {limit?: string, retryAfterSeconds?: number}}} e
   */
  constructor(e) {
    super(e.message);
    this.name = 'ApiError';
    /** @type {string} */ this.code = e.code;
    /** @type {string|null} */ this.requestId = e.requestId ?? null;
    /** @type {number} */ this.status = e.status ?? 0;
    /** @type {FieldProblem[]} */ this.fields = e.fields ?? [];
    /** @type {number|undefined} */ this.attemptsLeft = e.attemptsLeft;
    /** @type {string|undefined} */ this.startsAt = e.startsAt;
    /** @type {number|null} */ this.retryAfterSeconds = e.retryAfterSeconds ?? null;
    /** RATE_LIMITED by a send limit: {limit: 'perManagerPerDay'|'perRoomPerDay'|'resendCooldown', retryAfterSeconds}. */
    this.details = e.details;
  }

  /** The contract's body: {error: {code, message, requestId, fields?, ...}}. */
  toJSON() {
    const error = { code: this.code, message: this.message, requestId: this.requestId };
    if (this.fields.length) error.fields = this.fields;
    if (this.attemptsLeft !== undefined) error.attemptsLeft = this.attemptsLeft;
    if (this.startsAt !== undefined) error.startsAt = this.startsAt;
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

// What API Gateway (or anything in front of the service) answers on its own, by status, as the contract's codes.
const GATEWAY_ANSWERS = {
  400: ['INVALID_REQUEST', 'The request was not accepted. Check what was entered and try again.'],
  401: ['UNAUTHENTICATED', 'Your sign-in has expired or is missing. Sign in again.'],
  403: ['FORBIDDEN', 'The request was refused.'],
  404: ['ROUTE_NOT_FOUND', 'This service does not offer that here.'],
  405: ['METHOD_NOT_ALLOWED', 'This service does not offer that here.'],
  413: ['INVALID_REQUEST', 'The request is too large.'],
  429: ['RATE_LIMITED', 'Too many requests right now. Wait a moment and try again.'],
  500: ['INTERNAL', 'Something went wrong on our side. Try again in a moment.'],
  502: ['SERVICE_UNAVAILABLE', 'The service is not answering right now. Try again shortly.'],
  503: ['SERVICE_UNAVAILABLE', 'The service is busy or down for a moment. Try again shortly.'],
  504: ['TIMEOUT', 'The service took too long to answer. Try again shortly.'],
};

/**
 * Turns any answer into an ApiError (the contract's body when there is one).
 * @param {number} status @param {any} body @param {Headers|null} headers
 * @returns {ApiError}
 */
export function errorFromAnswer(status, body, headers) {
  const requestId = headers ? headers.get('x-request-id') || headers.get('x-amzn-requestid') || headers.get('apigw-requestid') : null;
  const retryAfter = headers ? parseRetryAfter(headers.get('retry-after')) : null;
  if (body && typeof body === 'object' && body.error && typeof body.error.code === 'string') {
    const e = body.error;
    return new ApiError({
      code: e.code, message: typeof e.message === 'string' ? e.message : e.code, requestId: e.requestId ?? requestId,
      status, fields: Array.isArray(e.fields) ? e.fields : [], attemptsLeft: e.attemptsLeft, startsAt: e.startsAt,
      retryAfterSeconds: retryAfter, details: e.details && typeof e.details === 'object' ? e.details : undefined,
    });
  }
  const known = GATEWAY_ANSWERS[status] || (status >= 500
    ? ['SERVICE_UNAVAILABLE', 'The service is not answering right now. Try again shortly.']
    : ['BAD_RESPONSE', 'The service gave an answer this page does not understand.']);
  return new ApiError({ code: known[0], message: known[1], requestId, status, retryAfterSeconds: retryAfter });
}

/** @param {string|null} v @returns {number|null} seconds */
function parseRetryAfter(v) {
  if (!v) return null;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}

/**
 * Whether a failed attempt may be sent again.
 * `idempotent`: repeating the request cannot do anything twice (reads, preview, revoke, a create with an
 * Idempotency-Key). Anything else is repeated only when it surely did nothing: throttled (429) or the
 * service's own 503 (its contract: nothing half-written).
 * @param {ApiError} e @param {boolean} idempotent
 */
export function isRetryable(e, idempotent) {
  // a send limit (details.limit) is no passing throttle: it lasts minutes or hours, and the person decides
  if (e.status === 429) return !(e.details && e.details.limit); // throttled before any work (API Gateway, the service)
  if (e.status === 503 && e.code === 'SERVICE_UNAVAILABLE' && e.requestId) return true; // the service: nothing written
  if (!idempotent) return false;
  return e.code === CLIENT_CODES.NETWORK_ERROR || e.code === CLIENT_CODES.TIMEOUT || e.status === 502 || e.status === 503;
}

/** A random key for Idempotency-Key headers. */
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  return 'k' + Date.now().toString(36) + Math.random().toString(36).slice(2);
}

/**
 * @typedef {object} ClientOptions
 * @property {string} [baseUrl] the API's base URL ('' or omitted: the page's own origin)
 * @property {() => (string|null|undefined|Promise<string|null|undefined>)} [getBearerToken] the site's signed-in user's token, if any
 * @property {typeof fetch} [fetch] for tests
 * @property {number} [maxAttempts] attempts for a retryable failure (default 3)
 * @property {number} [timeoutMs] per attempt (default 15000)
 * @property {(ms: number) => Promise<void>} [sleep] for tests
 */

/**
 * @typedef {object} CallOptions
 * @property {AbortSignal} [signal]
 * @property {string} [idempotencyKey]
 */

export class RoomInvitesClient {
  /** @param {ClientOptions} [options] */
  constructor(options = {}) {
    this.baseUrl = (options.baseUrl || '').replace(/\/+$/, '');
    this.getBearerToken = options.getBearerToken || (() => null);
    /** The page's language (a BCP 47 tag), sent as Accept-Language: the service's messages follow it where it can. */
    this.getLanguage = options.getLanguage || (() => null);
    this.fetchImpl = options.fetch || ((...a) => globalThis.fetch(...a));
    this.maxAttempts = options.maxAttempts ?? 3;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.sleep = options.sleep || ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  // ---------------------------------------------------------------- room managers

  /** @param {string} roomId @returns {Promise<InviteOptions>} */
  inviteOptions(roomId, o = {}) {
    return this.request('GET', `/rooms/${seg(roomId)}/invite-options`, { ...o, idempotent: true });
  }

  /** @param {string} roomId @param {string} q @returns {Promise<{users: DirectoryUser[]}>} */
  inviteeSuggestions(roomId, q, o = {}) {
    return this.request('GET', `/rooms/${seg(roomId)}/invitee-suggestions?q=${encodeURIComponent(q)}`, { ...o, idempotent: true });
  }

  /**
   * Creates an invite. A key is made when none is given, so that a retry can never create two.
   * @param {string} roomId @param {NewInvite} invite @param {CallOptions} [o] @returns {Promise<IssuedLink>}
   */
  createInvite(roomId, invite, o = {}) {
    const key = o.idempotencyKey || newIdempotencyKey();
    return this.request('POST', `/rooms/${seg(roomId)}/invites`, { ...o, body: invite, idempotencyKey: key, idempotent: true });
  }

  /**
   * @param {string} roomId @param {{status?: string, limit?: number, cursor?: string|null}} [q]
   * @returns {Promise<{invites: Invite[], nextCursor: string|null}>}
   */
  listInvites(roomId, q = {}, o = {}) {
    const p = new URLSearchParams();
    if (q.status) p.set('status', q.status);
    if (q.limit) p.set('limit', String(q.limit));
    if (q.cursor) p.set('cursor', q.cursor);
    const qs = p.toString();
    return this.request('GET', `/rooms/${seg(roomId)}/invites${qs ? '?' + qs : ''}`, { ...o, idempotent: true });
  }

  /**
   * (v3) Every invite of the room as one file, following the export's pages (`Link: <…>; rel="next"`).
   * @param {string} roomId @param {'csv'|'jsonl'} [format]
   * @returns {Promise<string>} the whole CSV (one header line) or JSON Lines
   */
  async exportInvites(roomId, format = 'csv', o = {}) {
    let path = `/rooms/${seg(roomId)}/invites/export?format=${format}`;
    let out = '';
    for (let pages = 0; path && pages < 10000; pages++) {
      const page = await this.request('GET', path, { ...o, idempotent: true, asText: true });
      out += page.text;
      const next = page.link && /<([^>]+)>;\s*rel="next"/.exec(page.link);
      path = next ? next[1] : null;
    }
    return out;
  }

  /** Revoking again is not an error, so this is safe to repeat. @returns {Promise<{invite: Invite}>} */
  revokeInvite(roomId, inviteId, o = {}) {
    return this.request('DELETE', `/rooms/${seg(roomId)}/invites/${seg(inviteId)}`, { ...o, idempotent: true });
  }

  /** @param {RoleId} role @returns {Promise<{invite: Invite, previousRole: RoleId}>} */
  promoteInvite(roomId, inviteId, role, o = {}) {
    return this.request('POST', `/rooms/${seg(roomId)}/invites/${seg(inviteId)}/promote`, { ...o, body: { role } });
  }

  /** Emails the current link again (not repeated on an unclear failure: it would send twice). @returns {Promise<IssuedLink>} */
  resendInvite(roomId, inviteId, o = {}) {
    return this.request('POST', `/rooms/${seg(roomId)}/invites/${seg(inviteId)}/resend`, { ...o, body: {} });
  }

  /** (v2) A new link for the same invite; earlier links answer LINK_REPLACED. @returns {Promise<IssuedLink>} */
  reissueInvite(roomId, inviteId, body = {}, o = {}) {
    return this.request('POST', `/rooms/${seg(roomId)}/invites/${seg(inviteId)}/reissue`, { ...o, body });
  }

  /** (v2) Frees the devices bound to an invite. @returns {Promise<{invite: Invite}>} */
  releaseDevice(roomId, inviteId, o = {}) {
    return this.request('POST', `/rooms/${seg(roomId)}/invites/${seg(inviteId)}/release-device`, { ...o, body: {} });
  }

  /**
   * (v2) Up to 500 invites at once, each row on its own.
   * @param {{invites: NewInvite[], sendEmail?: boolean}} batch @returns {Promise<BulkResult>}
   */
  bulkInvites(roomId, batch, o = {}) {
    const key = o.idempotencyKey || newIdempotencyKey();
    return this.request('POST', `/rooms/${seg(roomId)}/invites/bulk`, { ...o, body: batch, idempotencyKey: key, idempotent: true });
  }

  /**
   * (v2) The same from CSV text with the header line `email,firstName,lastName,role`.
   * @param {string} csv @param {{sendEmail?: boolean}} [q] @returns {Promise<BulkResult>}
   */
  bulkInvitesCsv(roomId, csv, q = {}, o = {}) {
    const key = o.idempotencyKey || newIdempotencyKey();
    return this.request('POST', `/rooms/${seg(roomId)}/invites/bulk${q.sendEmail ? '?sendEmail=true' : ''}`,
      { ...o, rawBody: csv, contentType: 'text/csv', idempotencyKey: key, idempotent: true });
  }

  /** (v2) @returns {Promise<{events: HistoryEvent[]}>} */
  inviteHistory(roomId, inviteId, o = {}) {
    return this.request('GET', `/rooms/${seg(roomId)}/invites/${seg(inviteId)}/history`, { ...o, idempotent: true });
  }

  // ---------------------------------------------------------------- invitees

  /** Changes nothing, ever: safe to repeat. @param {string} token @param {string} [deviceId] @returns {Promise<Preview>} */
  preview(token, deviceId, o = {}) {
    const body = deviceId ? { token, deviceId } : { token };
    return this.request('POST', '/invites/preview', { ...o, body, idempotent: true });
  }

  /**
   * Enters (or re-enters on the same device). Not repeated on an unclear failure: a typed email counts as an attempt.
   * @param {string} token @param {string} deviceId @param {string} [email] @returns {Promise<Entry>}
   */
  redeem(token, deviceId, email, o = {}) {
    const body = { token, deviceId };
    if (email !== undefined && email !== null) body.email = email;
    return this.request('POST', '/invites/redeem', { ...o, body });
  }

  /** (v3) The link's session as an iCalendar file (text); changes nothing. @param {string} token @returns {Promise<string>} */
  async inviteCalendar(token, o = {}) {
    const r = await this.request('POST', '/invites/calendar', { ...o, body: { token }, idempotent: true, asText: true });
    return r.text;
  }

  /**
   * (v3) The invite's current link token for its access code (from the email), the room and the invited email: then
   * preview and redeem as with a link. Not repeated on an unclear failure: each wrong try counts against the caller.
   * @param {string} roomId @param {string} email @param {string} code @returns {Promise<{token: string}>}
   */
  exchangeAccessCode(roomId, email, code, o = {}) {
    return this.request('POST', '/invites/code', { ...o, body: { roomId, email, code }, anonymous: true });
  }

  // ---------------------------------------------------------------- (v3) guest links and requests to join

  /** (v3) @param {{label: string, maxUses?: number, expiresAt?: string}} body @returns {Promise<{guestLink: object, link: string}>} */
  createGuestLink(roomId, body, o = {}) {
    return this.request('POST', `/rooms/${seg(roomId)}/guest-links`, { ...o, body });
  }

  /** (v3) @returns {Promise<{guestLinks: object[]}>} */
  listGuestLinks(roomId, o = {}) {
    return this.request('GET', `/rooms/${seg(roomId)}/guest-links`, { ...o, idempotent: true });
  }

  /** (v3) Revoking again is no error: safe to repeat. */
  revokeGuestLink(roomId, guestLinkId, o = {}) {
    return this.request('DELETE', `/rooms/${seg(roomId)}/guest-links/${seg(guestLinkId)}`, { ...o, idempotent: true });
  }

  /** (v3) What a guest link shows; changes nothing. */
  guestPreview(token, deviceId, o = {}) {
    const body = deviceId ? { token, deviceId } : { token };
    return this.request('POST', '/guest/preview', { ...o, body, idempotent: true, anonymous: true });
  }

  /** (v3) Enters by a guest link (a new device uses one of its uses; the same device again none: safe to repeat). */
  guestRedeem(token, deviceId, guest, o = {}) {
    const body = { token, deviceId, firstName: guest.firstName, lastName: guest.lastName };
    if (guest.email) body.email = guest.email;
    return this.request('POST', '/guest/redeem', { ...o, body, idempotent: true, anonymous: true });
  }

  /** (v3) Asks the room's managers to be let in, with the refused link's token. The same ask again: the same request. */
  askToJoin(token, email, message, deviceId, o = {}) {
    const body = { token, email };
    if (message) body.message = message;
    if (deviceId) body.deviceId = deviceId;
    return this.request('POST', '/invites/join-requests', { ...o, body, idempotent: true, anonymous: true });
  }

  /** (v3) How the request was answered; once ADMITTED, `token` is the new link's. */
  joinRequestStatus(token, joinRequestId, o = {}) {
    return this.request('POST', '/invites/join-requests/status', { ...o, body: { token, joinRequestId }, idempotent: true, anonymous: true });
  }

  /** (v3) @returns {Promise<{joinRequests: object[], nextCursor: string|null}>} */
  listJoinRequests(roomId, q = {}, o = {}) {
    const p = new URLSearchParams();
    if (q.status) p.set('status', q.status);
    if (q.limit) p.set('limit', String(q.limit));
    if (q.cursor) p.set('cursor', q.cursor);
    const qs = p.toString();
    return this.request('GET', `/rooms/${seg(roomId)}/join-requests${qs ? '?' + qs : ''}`, { ...o, idempotent: true });
  }

  /** (v3) Admits a request: a fresh invite for its email (as a create answers). */
  admitJoinRequest(roomId, joinRequestId, body = {}, o = {}) {
    return this.request('POST', `/rooms/${seg(roomId)}/join-requests/${seg(joinRequestId)}/admit`, { ...o, body });
  }

  /** (v3) Declines a request (again: no error). */
  declineJoinRequest(roomId, joinRequestId, o = {}) {
    return this.request('POST', `/rooms/${seg(roomId)}/join-requests/${seg(joinRequestId)}/decline`, { ...o, idempotent: true });
  }

  /** The public keys that verify access tokens. */
  jwks(o = {}) {
    return this.request('GET', '/.well-known/jwks.json', { ...o, idempotent: true, anonymous: true });
  }

  /** (v2) OpenID Connect discovery. */
  openidConfiguration(o = {}) {
    return this.request('GET', '/.well-known/openid-configuration', { ...o, idempotent: true, anonymous: true });
  }

  // ---------------------------------------------------------------- site administration

  /** @returns {Promise<SiteSettings>} */
  getSettings(o = {}) { return this.request('GET', '/admin/settings', { ...o, idempotent: true }); }

  /** @param {SiteSettings} s @returns {Promise<SiteSettings>} */
  putSettings(s, o = {}) { return this.request('PUT', '/admin/settings', { ...o, body: s, idempotent: true }); }

  /** @param {string} roomId @param {object} room */
  putRoom(roomId, room, o = {}) { return this.request('PUT', `/admin/rooms/${seg(roomId)}`, { ...o, body: room, idempotent: true }); }

  deleteRoom(roomId, o = {}) { return this.request('DELETE', `/admin/rooms/${seg(roomId)}`, { ...o, idempotent: true }); }

  /** @param {string} email @param {{firstName: string, lastName: string}} user */
  putUser(email, user, o = {}) { return this.request('PUT', `/admin/users/${seg(email)}`, { ...o, body: user, idempotent: true }); }

  // ---------------------------------------------------------------- the local runner only (never deployed)

  /** @param {{email: string, firstName?: string, lastName?: string, siteAdmin?: boolean}} who @returns {Promise<{token: string}>} */
  devToken(who, o = {}) { return this.request('POST', '/dev/token', { ...o, body: who, anonymous: true }); }

  /** Moves the local runner's clock forward (not repeated: it would move twice). @returns {Promise<{now: string}>} */
  devClock(advanceSeconds, o = {}) { return this.request('POST', '/dev/clock', { ...o, body: { advanceSeconds }, anonymous: true }); }

  // ---------------------------------------------------------------- transport

  /**
   * One call with the retries its kind allows.
   * @param {string} method @param {string} path
   * @param {{body?: any, rawBody?: string, contentType?: string, idempotencyKey?: string, idempotent?: boolean,
   *          anonymous?: boolean, signal?: AbortSignal}} o
   */
  async request(method, path, o = {}) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, o);
      } catch (e) {
        if (!(e instanceof ApiError) || attempt >= this.maxAttempts || !isRetryable(e, !!o.idempotent)
            || (o.signal && o.signal.aborted)) {
          throw e;
        }
        const backoff = Math.min(4000, 300 * 2 ** (attempt - 1));
        const wait = e.retryAfterSeconds != null ? Math.min(10000, e.retryAfterSeconds * 1000) : backoff;
        await this.sleep(wait / 2 + Math.random() * (wait / 2)); // jittered, so many pages don't retry in step
      }
    }
  }

  /** @private */
  async once(method, path, o) {
    const headers = { accept: 'application/json' };
    let body;
    if (o.rawBody !== undefined) {
      body = o.rawBody;
      headers['content-type'] = o.contentType || 'text/plain';
    } else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
    const language = this.getLanguage();
    if (language) headers['accept-language'] = language;
    if (!o.anonymous) {
      const token = await this.getBearerToken();
      if (token) headers.authorization = 'Bearer ' + token;
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, this.timeoutMs);
    const onAbort = () => controller.abort();
    if (o.signal) {
      if (o.signal.aborted) controller.abort();
      else o.signal.addEventListener('abort', onAbort, { once: true });
    }
    let response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method, headers, body, signal: controller.signal, credentials: 'omit', mode: 'cors', referrerPolicy: 'no-referrer',
      });
    } catch (cause) {
      if (o.signal && o.signal.aborted) throw cause; // the caller gave up: not an error to show
      throw new ApiError(timedOut
        ? { code: CLIENT_CODES.TIMEOUT, message: 'The service took too long to answer. Check your connection and try again.' }
        : { code: CLIENT_CODES.NETWORK_ERROR, message: 'Could not reach the service. Check your connection and try again.' });
    } finally {
      clearTimeout(timer);
      if (o.signal) o.signal.removeEventListener('abort', onAbort);
    }
    if (response.status === 204) return null;
    let text = '';
    try {
      text = await response.text();
    } catch {
      throw new ApiError({ code: CLIENT_CODES.NETWORK_ERROR, message: 'The connection broke while the answer arrived. Try again.',
        status: response.status });
    }
    let json = null;
    if (text) {
      try { json = JSON.parse(text); } catch { json = null; }
    }
    if (!response.ok) throw errorFromAnswer(response.status, json, response.headers);
    if (o.asText) return { text, link: response.headers.get('link') };
    if (json === null && text) throw errorFromAnswer(response.status, null, response.headers);
    return json;
  }
}

/** One path segment, encoded. */
function seg(v) {
  return encodeURIComponent(String(v));
}
