// ui.js: small DOM helpers shared by the screens. Every value is inserted as text, never as HTML.

import { t, number, dateTime, list } from './i18n.js';

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

/** A date and time in the viewer's own time zone, with the zone named, in the screens' language. @param {string} iso */
export function localTime(iso) {
  return dateTime(iso);
}

/** A role's name in the screens' language ("Speaker", "Referent"). @param {string} id */
export function roleLabel(id) {
  return t(`role.${id}`);
}

/** Permission ids as labels in the screens' language. @param {string[]} ids */
export function permissionLabels(ids) {
  return (ids || []).map((id) => t(`permission.${id}`));
}

/** Permission ids as words in a sentence, joined as the language joins a list ("chat, answer interactions, and Q&A"). */
export function permissionWords(ids) {
  return list((ids || []).map((id) => t(`permission.${id}.inSentence`)));
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
 * "1 h 05 min 09 s" style, for a countdown, with the language's units and digits; a number and its unit are joined
 * by a no-break space, so that a narrow screen wraps between units ("1 h 05 min / 09 s"), never inside one.
 * @param {number} totalSeconds
 */
export function duration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n) => number(n, { minimumIntegerDigits: 2 });
  const u = (n, unit) => t(`unit.${unit}`, { n }).replace(' ', '\u00a0');
  if (d > 0) return `${u(d, 'd')} ${u(hh, 'h')} ${u(two(mm), 'min')}`;
  if (hh > 0) return `${u(hh, 'h')} ${u(two(mm), 'min')} ${u(two(ss), 's')}`;
  return `${u(mm, 'min')} ${u(two(ss), 's')}`;
}

/** Coarse words for screen readers, announced now and then rather than every second. */
export function durationWords(totalSeconds) {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s >= 7200) return t('duration.aboutHours', { count: Math.round(s / 3600) });
  if (s >= 120) return t('duration.aboutMinutes', { count: Math.round(s / 60) });
  if (s >= 60) return t('duration.aboutAMinute');
  return t('duration.lessThanAMinute');
}

/** The error codes the screens explain in their own words (a title and a remedy each, in the catalogs). */
export const EXPLAINED = ['INVALID_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_ROOM_MANAGER', 'FEATURE_DISABLED',
  'CHAT_AND_COLLABORATION_DISABLED', 'EMAIL_TEMPLATE_NOT_CONFIGURED', 'DOMAIN_BLOCKED', 'ROOM_NOT_FOUND', 'INVITE_NOT_FOUND',
  'ROLE_NOT_HIGHER', 'INVITE_NOT_ACTIVE', 'IDEMPOTENCY_CONFLICT', 'LINK_INVALID', 'LINK_EXPIRED', 'LINK_ALREADY_USED',
  'LINK_REPLACED', 'INVITE_REVOKED', 'ROOM_DELETED', 'CODE_INVALID', 'ERASURE_NOT_FOUND', 'SESSION_NOT_STARTED',
  'SESSION_ENDED', 'EMAIL_REQUIRED', 'EMAIL_MISMATCH', 'INVITE_LOCKED', 'GUEST_LINK_LIMIT', 'GUEST_LINK_EXHAUSTED',
  'GUEST_LINK_NOT_FOUND', 'JOIN_REQUEST_NOT_FOUND', 'JOIN_REQUEST_ANSWERED', 'JOIN_REQUEST_NOT_NEEDED', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'TIMEOUT',
  'NETWORK_ERROR', 'BAD_RESPONSE', 'ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED', 'INTERNAL'];

/**
 * Every error of the contract in plain words, with what to do (the help article's Troubleshooting list), by its
 * code, in the screens' language. An unknown code shows the service's message (which follows Accept-Language).
 * @param {{code: string, message?: string, requestId?: string|null, attemptsLeft?: number, details?: any}} e
 * @returns {{title: string, remedy: string}}
 */
export function explain(e) {
  if (!EXPLAINED.includes(e.code)) return { title: e.message || t('error.unknown.title'), remedy: t('error.unknown.remedy') };
  if (e.code === 'RATE_LIMITED' && e.details && e.details.limit) {
    // a send limit: the service's message says which limit and how long to wait
    return { title: e.message, remedy: t('error.RATE_LIMITED.sendLimit') };
  }
  let title = t(`error.${e.code}.title`);
  if (e.code === 'EMAIL_MISMATCH' && typeof e.attemptsLeft === 'number') {
    title += ' ' + t('error.EMAIL_MISMATCH.attemptsLeft', { count: e.attemptsLeft });
  }
  return { title, remedy: t(`error.${e.code}.remedy`) };
}

/** An error box's content: the plain words, the remedy, and the request id to quote. */
export function errorContent(e) {
  const x = explain(e);
  return [
    h('p', { class: 'error-title' }, x.title),
    h('p', null, x.remedy),
    e.requestId ? h('p', { class: 'muted small' }, t('error.reference'), h('code', null, e.requestId)) : null,
  ];
}

/** Whether an error means "this server doesn't have that route yet" (v2 parts on a v1 server). */
export function notOffered(e) {
  return !!e && (e.code === 'ROUTE_NOT_FOUND' || e.code === 'METHOD_NOT_ALLOWED');
}
