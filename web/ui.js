// ui.js: small DOM helpers shared by the screens. Every value is inserted as text, never as HTML.

/**
 * Makes an element. Strings and numbers among the children become text nodes; null/false are skipped.
 * attrs: `class`, `for`, aria-* and other attributes as strings; `on*` functions as listeners; booleans
 * (disabled, hidden, checked, required, readOnly) as properties.
 * @param {string} tag @param {Record<string, any>|null} [attrs] @param {...any} children @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false && !['checked', 'disabled', 'hidden', 'required', 'readOnly'].includes(k)) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'checked') { el.checked = v; el.defaultChecked = v; } // what form.reset() goes back to
    else if (['disabled', 'hidden', 'required', 'readOnly', 'value'].includes(k)) el[k] = v;
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A date and time in the viewer's own time zone, with the zone named. @param {string} iso */
export function localTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}

/** The viewer's time zone name ("Europe/Paris"). */
export function timeZoneName() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    return '';
  }
}

/**
 * "1 h 05 min 09 s" style, for a countdown; a number and its unit are joined by a no-break space, so that a narrow
 * screen wraps between units ("1 h 05 min / 09 s"), never inside one. @param {number} totalSeconds
 */
export function duration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  const u = (n, unit) => `${n}\u00a0${unit}`;
  if (d > 0) return `${u(d, 'd')} ${u(hh, 'h')} ${u(two(mm), 'min')}`;
  if (hh > 0) return `${u(hh, 'h')} ${u(two(mm), 'min')} ${u(two(ss), 's')}`;
  return `${u(mm, 'min')} ${u(two(ss), 's')}`;
}

/** Coarse words for screen readers, announced now and then rather than every second. */
export function durationWords(totalSeconds) {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s >= 7200) return `about ${Math.round(s / 3600)} hours`;
  if (s >= 120) return `about ${Math.round(s / 60)} minutes`;
  if (s >= 60) return 'about a minute';
  return 'less than a minute';
}

/**
 * Every error of the contract in plain words, with what to do (the help article's Troubleshooting list).
 * @param {{code: string, message?: string, requestId?: string|null, attemptsLeft?: number}} e
 * @returns {{title: string, remedy: string}}
 */
export function explain(e) {
  const m = {
    INVALID_REQUEST: ['Something in the request was not accepted.', 'Check the highlighted fields and try again.'],
    UNAUTHENTICATED: ['You are not signed in, or your sign-in has expired.', 'Sign in again, then retry.'],
    FORBIDDEN: ['You are not allowed to do this.', 'Ask a site administrator.'],
    NOT_ROOM_MANAGER: ['Only the room\'s owner, co-owners, co-editors and co-publishers can invite people.', 'Ask a room manager to invite them, or to add you as a co-owner.'],
    FEATURE_DISABLED: ['Invitations are turned off on this site.', 'A site administrator can turn them on (the inviteToMedia setting).'],
    CHAT_AND_COLLABORATION_DISABLED: ['This room has Chat & Collaboration turned off.', 'Turn on Chat & Collaboration for the room to invite people.'],
    EMAIL_TEMPLATE_NOT_CONFIGURED: ['The invitation email can\'t be sent: no email template is set up.', 'Untick "Send link via email" and share the link yourself.'],
    DOMAIN_BLOCKED: ['That email address\'s domain is blocked on this site.', 'Use a different email address, or contact the site administrator.'],
    ROOM_NOT_FOUND: ['This room doesn\'t exist.', 'Check the link or the room address.'],
    INVITE_NOT_FOUND: ['This invitation doesn\'t exist.', 'Check the link, or ask the room manager for a new one.'],
    ROLE_NOT_HIGHER: ['An invitee can only be promoted to a higher role.', 'Pick a higher role.'],
    INVITE_NOT_ACTIVE: ['This invitation is no longer active (removed, expired or locked).', 'Create a new invite for this person.'],
    IDEMPOTENCY_CONFLICT: ['This request was already sent with different details.', 'Reload the page and try again.'],
    LINK_INVALID: ['This invitation link is incomplete or damaged.', 'Copy the whole link from the invitation, or ask the room manager for a new one.'],
    LINK_EXPIRED: ['This invitation link has expired.', 'Ask the room manager to generate a new link.'],
    LINK_ALREADY_USED: ['This invitation link was already used on another device.', 'For security, a link works on one device only. Ask the room manager to generate a new link.'],
    LINK_REPLACED: ['A newer link was issued for this invitation.', 'Use the latest link you received, or ask the room manager for it.'],
    INVITE_REVOKED: ['This invitation was removed by the room manager.', 'The invite no longer works. Ask the room manager if you still need access.'],
    ROOM_DELETED: ['This room was deleted.', 'The invite no longer works.'],
    CODE_INVALID: ['That code doesn\'t open an invitation to this room for this email.', 'Check the room, the email address the invitation was sent to and the code in it, or ask the room manager for a new invitation.'],
    ERASURE_NOT_FOUND: ['No erasure has this id.', 'Check the id the erasure request answered.'],
    SESSION_NOT_STARTED: ['The session hasn\'t started yet.', 'Come back at the start time.'],
    SESSION_ENDED: ['This session is over.', 'The invitation no longer opens the room.'],
    EMAIL_REQUIRED: ['Please confirm your email address.', 'Enter the email address that received the invitation.'],
    EMAIL_MISMATCH: ['That email address doesn\'t match the invitation.', 'Enter the email address that received the invitation, or sign in with it.'],
    INVITE_LOCKED: ['This invitation is locked after too many wrong email addresses.', 'Ask the room manager to generate a new link.'],
    GUEST_LINK_LIMIT: ['This room already has as many active guest links as allowed.', 'Revoke one of them, then create the new one.'],
    GUEST_LINK_EXHAUSTED: ['This guest link has been used by as many devices as it allows.', 'You can ask the room manager to let you in.'],
    GUEST_LINK_NOT_FOUND: ['This guest link doesn\'t exist any more.', 'Reload the list.'],
    JOIN_REQUEST_NOT_FOUND: ['This request to join doesn\'t exist any more.', 'Reload the list.'],
    JOIN_REQUEST_ANSWERED: ['This request was already answered.', 'The list shows how.'],
    JOIN_REQUEST_NOT_NEEDED: ['Your link still works.', 'Open it again to join the room.'],
    RATE_LIMITED: ['Too many requests right now.', 'Wait a moment and try again.'],
    SERVICE_UNAVAILABLE: ['The service is busy or briefly unavailable.', 'Try again in a few seconds.'],
    TIMEOUT: ['The service took too long to answer.', 'Check your connection and try again.'],
    NETWORK_ERROR: ['The service could not be reached.', 'Check your connection and try again.'],
    ROUTE_NOT_FOUND: ['This server doesn\'t offer that yet.', 'It may need a newer version of the service.'],
    METHOD_NOT_ALLOWED: ['This server doesn\'t offer that yet.', 'It may need a newer version of the service.'],
    INTERNAL: ['Something went wrong on our side.', 'Try again; if it keeps happening, report the reference below.'],
  }[e.code];
  if (!m) return { title: e.message || 'Something went wrong.', remedy: 'Try again in a moment.' };
  if (e.code === 'RATE_LIMITED' && e.details && e.details.limit) {
    // a send limit: the service's message says which limit and how long to wait
    return { title: e.message, remedy: 'The limits are set by the site administrator.' };
  }
  let title = m[0];
  if (e.code === 'EMAIL_MISMATCH' && typeof e.attemptsLeft === 'number') {
    title += e.attemptsLeft === 1 ? ' 1 attempt left.' : ` ${e.attemptsLeft} attempts left.`;
  }
  return { title, remedy: m[1] };
}

/** An error box's content: the plain words, the remedy, and the request id to quote. */
export function errorContent(e) {
  const x = explain(e);
  return [
    h('p', { class: 'error-title' }, x.title),
    h('p', null, x.remedy),
    e.requestId ? h('p', { class: 'muted small' }, 'Reference: ', h('code', null, e.requestId)) : null,
  ];
}

/** Whether an error means "this server doesn't have that route yet" (v2 parts on a v1 server). */
export function notOffered(e) {
  return !!e && (e.code === 'ROUTE_NOT_FOUND' || e.code === 'METHOD_NOT_ALLOWED');
}
