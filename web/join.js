// join.js: the invitee's page. Reads the link token from the address's fragment (#invite=...), takes it out of
// the address at once and reloads itself without it (so that neither the address bar, the tab's history entry nor
// the page's navigation timing entry holds it), keeping it in this tab's sessionStorage only while the link can
// still work; previews; counts down to the start on the server's clock; enters by itself when the session opens
// (signed in with the invited email), or shows the lobby; then "you're in", until the session ends.
// (v3) A guest link (#guest=...) is handled the same way (kept as "guest:" + token): its lobby asks for a name. A link
// refused for a reason its holder can't fix offers "Ask to be let in": the refused token then stays in this tab's
// sessionStorage (with the request's id, under JOIN_KEY) only while the request is pending, so that the page can tell
// how it was answered when the requester comes back, and enter with the new link once admitted.

import { client, signedIn } from './site.js';
import { h, replace, localTime, timeZoneName, duration, durationWords, errorContent, explain, roleLabel, permissionLabels, permissionWords } from './ui.js';
import { t, setLanguage, browserLanguage, supported, language, LANGUAGES, languageName, dateTime, list, translateStatic } from './i18n.js';

const api = client();
const TOKEN_KEY = 'roomInvites.joinToken'; // this tab only, so that a reload still works once the fragment is gone
const DEVICE_KEY = 'roomInvites.deviceId';
const JOIN_KEY = 'roomInvites.joinRequest'; // this tab only: {token, id} of a pending request to join
const GUEST_NAME_KEY = 'roomInvites.guestName'; // this tab only: the name a guest typed, for re-entry and Refresh
const GUEST = 'guest:'; // a kept guest link token's prefix (':' is never part of a token)
const JOIN_POLL_MS = 5000; // a pending request is asked about this often while the page is visible
const RESYNC_MS = 20000; // the countdown re-reads the server's secondsUntilStart this often
const SPREAD_MS = 4000; // entering at the start (and noticing the end) is spread over this many ms across open pages
const END_RECHECK_MS = 30000; // past the expected end, while the server still says "open", ask again this often
const MAX_RETRY_MS = 30000; // automatic retries after a failure to reach the service back off up to this
const TOKEN_SHAPE = /^[A-Za-z0-9._~=-]{1,4096}$/; // what a link token can be (the API's limit); anything else is damaged
// transient failures: shown in place (a form stays) or retried by the page itself; anything else replaces the page
const TRANSIENT = new Set(['RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'NETWORK_ERROR', 'INTERNAL', 'BAD_RESPONSE']);
// answers after which the link can no longer work from this tab: the page forgets the token at once
const DEAD = new Set(['LINK_INVALID', 'LINK_EXPIRED', 'LINK_ALREADY_USED', 'LINK_REPLACED', 'INVITE_REVOKED', 'INVITE_NOT_FOUND',
  'ROOM_DELETED', 'SESSION_ENDED', 'INVITE_LOCKED', 'GUEST_LINK_EXHAUSTED']);
// refusals the holder can't fix: the page offers to ask the room's managers to be let in
const ASKABLE = new Set(['LINK_EXPIRED', 'LINK_ALREADY_USED', 'INVITE_LOCKED', 'LINK_REPLACED', 'GUEST_LINK_EXHAUSTED']);

const isGuest = (t) => typeof t === 'string' && t.startsWith(GUEST);
const raw = (t) => (isGuest(t) ? t.slice(GUEST.length) : t);
/** The link's preview, an invite's or a guest link's. */
const previewOf = (token) => (isGuest(token) ? api.guestPreview(raw(token), deviceId()) : api.preview(token, deviceId()));

const main = /** @type {HTMLElement} */ (document.getElementById('main'));

/** Bumped for every new token: answers that arrive for an older one are dropped. */
let generation = 0;
/** @type {number[]} */
let timers = [];
/** The countdown on screen, if any. */
let countdown = null;
/** The invitation this tab shows: its token (held in memory) and, once previewed, the room's title. */
let current = null;
/** The server's clock minus this device's, in ms, once a countdown told it (null: unknown, taken as equal). */
let serverOffsetMs = null;
/** Lobby or "you're in": what to check again when the tab comes back or the runner's clock moves. */
let watching = null;
/** The pending automatic retry after a transient failure (run at once when the connection comes back). */
let retryNow = null;
let retries = 0;
/** Draws the screen on show again in the current language, keeping its state (a language switch). */
let redraw = null;
/** The lobby's message under the field, in the current language (kept across a language switch). */
let lobbyError = null;
const LANGUAGE_KEY = 'roomInvites.language'; // the visitor's own choice of language, this tab only
const INVITE_LANGUAGE_KEY = 'roomInvites.inviteLanguage'; // the last invitation's language, for a reload that can't preview

function later(fn, ms) {
  const id = setTimeout(fn, ms);
  timers.push(id);
  return id;
}

function clearTimers() {
  timers.forEach((t) => { clearTimeout(t); clearInterval(t); });
  timers = [];
  countdown = null;
  watching = null;
  retryNow = null;
}

/** This browser's device id, kept across visits (links bind to one device). */
function deviceId() {
  const make = () => 'web-' + (crypto.randomUUID ? crypto.randomUUID().replaceAll('-', '')
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''));
  try {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!id || !/^[A-Za-z0-9_-]{8,128}$/.test(id)) {
      id = make();
      localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  } catch {
    return (window.__roomInvitesDevice ||= make()); // storage blocked: this visit only
  }
}

// ------------------------------------------------------------------ the token: where it is kept, and for how long

/**
 * The link in the address's fragment: undefined when there is none, else its token ('' when empty). The fragment
 * is taken out of the address at once (not in the address bar, screenshots, copied URLs or the tab's history entry).
 */
function takeLinkFromAddress() {
  const hash = location.hash.startsWith('#') ? location.hash.slice(1) : location.hash;
  const params = new URLSearchParams(hash);
  if (params.has('guest')) {
    history.replaceState(null, '', location.pathname + location.search);
    const t = params.get('guest') || '';
    return t && TOKEN_SHAPE.test(t) ? GUEST + t : t;
  }
  if (!params.has('invite')) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return params.get('invite') || '';
}

/** A link from the address that can be a token: an invite's, or "guest:" and a guest link's. */
function validLink(link) {
  return TOKEN_SHAPE.test(raw(link));
}

/** Keeps the token for a reload of this tab; answers whether it was kept. */
function keep(token) {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
    return sessionStorage.getItem(TOKEN_KEY) === token;
  } catch {
    return false; // storage blocked: this visit only
  }
}

function kept() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
}

/** Forgets the token: the link can no longer work (or was damaged), so nothing of it stays behind. */
function forget() {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* storage blocked: nothing was kept */ }
  current = null;
}

/** At load: a link in the address is kept and the page reloads without it; else the kept token, if any. */
function start() {
  showWho();
  const link = takeLinkFromAddress();
  if (link !== undefined) {
    if (!validLink(link)) {
      damaged();
    } else if (keep(link)) {
      // This document's navigation timing entry (performance.getEntriesByType('navigation')[0].name) keeps the
      // address it was loaded from, fragment included, and no script can clear it: a fresh document loaded from
      // the bare address replaces it (and this history entry); the token is handed over in this tab's storage.
      location.replace(location.pathname + location.search);
    } else {
      begin(link);
    }
    return;
  }
  const token = kept();
  const pending = pendingRequest();
  if (!token && pending) {
    generation++;
    showWaiting(pending, generation);
    return;
  }
  if (!token) {
    generation++;
    view(t('join.none.title'), [
      h('p', null, t('join.none.text')),
      codeOffer(),
    ]);
    redraw = () => start();
    return;
  }
  begin(token);
}

/** Shows the invitation of this token, from the start. */
function begin(token) {
  generation++;
  clearTimers();
  retries = 0;
  current = { token, title: null };
  open(token, generation);
}

/** A link whose token is missing or can't be one (empty, too long, foreign characters): said so, nothing kept. */
function damaged() {
  generation++;
  failed({ code: 'LINK_INVALID' }, null, generation);
}

/** Another invitation link opened in this tab while one is shown: the invitee chooses; nothing is replaced silently. */
function askToSwitch(token) {
  const was = current;
  generation++;
  clearTimers();
  const g = generation;
  view(t('join.switch.title'), [
    h('p', null, was.title ? t('join.switch.textTitled', { title: was.title }) : t('join.switch.text')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'switch-open',
        onclick: () => { if (g === generation) { keep(token); begin(token); } } }, t('join.switch.open')),
      h('button', { type: 'button', id: 'switch-keep', onclick: () => { if (g === generation) begin(was.token); } },
        t('join.switch.keep'))),
  ]);
  redraw = () => { if (g === generation) { generation--; askToSwitch(token); } };
}

window.addEventListener('hashchange', () => {
  const link = takeLinkFromAddress();
  if (link === undefined) return;
  if (!validLink(link)) damaged();
  else if (current && current.token !== link) askToSwitch(link);
  else if (!current) { keep(link); begin(link); }
});

function showWho() {
  const who = signedIn();
  replace(document.getElementById('who'), who ? t('site.signedInAs', { email: who.email }) : t('site.notSignedIn'));
}

/** Replaces the page's content, heading first, and moves focus to the heading. */
function view(title, content, { focus = 'title', alert = false } = {}) {
  redraw = null; // each screen says how to draw itself again
  // dir=auto: a room's title is data, in whatever script it was written in
  const heading = h('h1', { id: 'title', tabindex: '-1', dir: 'auto' }, title);
  replace(main, heading, alert ? h('div', { class: 'box error', role: 'alert' }, content) : content);
  if (focus === 'title') heading.focus();
  return heading;
}

function loading(text) {
  view(text, [h('p', { class: 'muted' }, t('join.oneMoment'))]);
}

/** An INVALID_REQUEST about the token (too long, malformed) is a damaged link, said as such. */
function asLinkError(e) {
  return e && e.code === 'INVALID_REQUEST' ? { code: 'LINK_INVALID', requestId: e.requestId } : e;
}

/** Preview, then show what it says. `quiet`: an automatic retry, which leaves the screen as it is until the answer. */
async function open(token, g, { quiet = false } = {}) {
  if (!countdown && !quiet) loading(t('join.opening'));
  let p;
  try {
    p = await previewOf(token);
  } catch (e) {
    if (g === generation) failed(asLinkError(e), token, g, { quiet });
    return;
  }
  if (g === generation) route(token, p, g);
}

async function route(token, p, g) {
  // the page speaks the invitation's language, unless the visitor chose another one
  const asked = p.invitee && supported(p.invitee.locale);
  if (asked) {
    try { sessionStorage.setItem(INVITE_LANGUAGE_KEY, asked); } catch { /* storage blocked: this visit only */ }
  }
  if (!chosenLanguage() && asked && asked !== language()) {
    await useLanguage(asked);
    if (g !== generation) return;
  }
  retries = 0;
  if (current && current.token === token) current.title = p.room.title;
  if (p.state === 'ENDED') {
    failed({ code: 'SESSION_ENDED' }, token, g);
  } else if (p.next === 'WAIT' || p.state === 'NOT_STARTED') {
    showCountdown(token, p, g);
  } else if (isGuest(token)) {
    const name = guestName();
    if (p.next === 'ENTER' && name) enterAsGuest(token, g, p, name);
    else showGuestLobby(token, p, g);
  } else if (p.next === 'ENTER') {
    enter(token, g, p);
  } else {
    showLobby(token, p, g);
  }
}

/** "YYYYMMDDTHHMMSSZ", as calendar links take an instant. */
function compact(iso) {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * "Add to calendar": the file (the service writes it, with the join link), and Google and Outlook links that carry
 * the session but never the link's token (those calendars are someone else's servers): they say where the link is.
 */
function addToCalendar(token, p) {
  const status = h('p', { id: 'calendar-status', class: 'small', role: 'status' });
  const where = `${location.origin}${location.pathname}`;
  const details = t('join.calendar.details', { where });
  const google = 'https://calendar.google.com/calendar/render?' + new URLSearchParams({ action: 'TEMPLATE',
    text: p.room.title, dates: `${compact(p.startsAt)}/${compact(p.endsAt)}`, details, location: where });
  const outlook = 'https://outlook.live.com/calendar/0/deeplink/compose?' + new URLSearchParams({ path: '/calendar/action/compose',
    rru: 'addevent', subject: p.room.title, startdt: new Date(p.startsAt).toISOString(), enddt: new Date(p.endsAt).toISOString(),
    body: details, location: where });
  const download = h('button', { type: 'button', id: 'calendar-file' }, t('join.calendar.download'));
  download.addEventListener('click', async () => {
    replace(status, '');
    try {
      const ics = await api.inviteCalendar(token);
      const url = URL.createObjectURL(new Blob([ics], { type: 'text/calendar' }));
      const a = h('a', { href: url, download: 'invite.ics', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      replace(status, t('join.calendar.saved'));
    } catch (e) {
      replace(status, ...errorContent(e));
    }
  });
  return h('section', { class: 'box', 'aria-labelledby': 'calendar-heading' },
    h('h2', { id: 'calendar-heading' }, t('join.calendar.heading')),
    h('div', { class: 'actions' }, download,
      h('a', { id: 'calendar-google', class: 'button', href: google, target: '_blank', rel: 'noopener noreferrer' }, t('join.calendar.google')),
      h('a', { id: 'calendar-outlook', class: 'button', href: outlook, target: '_blank', rel: 'noopener noreferrer' }, t('join.calendar.outlook'))),
    status);
}

function eventHeader(p) {
  if (!p.invitee && p.guestLink) {
    return [
      h('p', { class: 'lead' }, t('join.guest.lead', { role: roleLabel(p.guestLink.role || 'VIEWER'), label: p.guestLink.label })),
      p.room.description ? h('p', { class: 'description', dir: 'auto' }, p.room.description) : null,
    ];
  }
  return [
    h('p', { class: 'lead' }, t('join.greeting', { name: p.invitee.firstName, role: roleLabel(p.invitee.role) })),
    p.room.description ? h('p', { class: 'description', dir: 'auto' }, p.room.description) : null,
  ];
}

// ------------------------------------------------------------------ before the start

function showCountdown(token, p, g) {
  const target = performance.now() + Math.max(0, p.secondsUntilStart) * 1000;
  if (p.secondsUntilStart > 0) serverOffsetMs = Date.parse(p.startsAt) - p.secondsUntilStart * 1000 - Date.now();
  if (countdown && countdown.g === g) {
    countdown.target = target; // a re-sync: same screen, new deadline
    countdown.entering = false;
    countdown.tick();
    scheduleResync(token, g);
    return;
  }
  clearTimers();
  const clock = h('p', { id: 'countdown', class: 'countdown', role: 'timer', 'aria-labelledby': 'countdown-label' });
  const spoken = h('p', { id: 'countdown-spoken', class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const zone = timeZoneName();
  const startsAt = localTime(p.startsAt);
  view(p.room.title, [
    eventHeader(p),
    h('dl', { class: 'facts' },
      // the zone's name once: "EST (America/New_York)", but "UTC", not "UTC (UTC)"
      h('dt', null, t('join.starts')), h('dd', { id: 'starts-at' }, startsAt, zone && !startsAt.includes(zone) ? ` (${zone})` : ''),
      h('dt', null, t('join.ends')), h('dd', { id: 'ends-at' }, localTime(p.endsAt)),
      roomZone(p.startsAt, p.room.timeZone, zone)),
    h('section', { class: 'box countdown-box', 'aria-labelledby': 'countdown-label' },
      h('h2', { id: 'countdown-label' }, t('join.countdown.label')),
      clock, spoken,
      h('p', { class: 'muted small' }, t('join.countdown.keepOpen'))),
    isGuest(token) ? null : addToCalendar(token, p),
  ]);
  let lastSpokenMinute = null;
  countdown = {
    g, target, entering: false,
    tick() {
      const left = (this.target - performance.now()) / 1000;
      replace(clock, left > 0 ? duration(Math.ceil(left)) : t('join.countdown.starting'));
      const minute = Math.ceil(left / 60);
      if (minute !== lastSpokenMinute) {
        lastSpokenMinute = minute;
        replace(spoken, left > 0 ? t('join.countdown.spoken', { duration: durationWords(left) }) : t('join.countdown.spokenStarting'));
      }
      if (left <= 0 && !this.entering) {
        this.entering = true;
        // thousands of open pages must not all call at the same instant
        later(() => { if (g === generation) open(token, g); }, Math.random() * SPREAD_MS);
      }
    },
  };
  countdown.tick();
  timers.push(setInterval(() => countdown && countdown.tick(), 250));
  scheduleResync(token, g);
  // a language switch draws the same countdown again, on the same deadline
  redraw = () => {
    if (!countdown || countdown.g !== g) return;
    const left = Math.max(0, Math.ceil((countdown.target - performance.now()) / 1000));
    countdown = null;
    showCountdown(token, { ...p, secondsUntilStart: left }, g);
  };
}

/**
 * The room's own time zone, named: the start in it when it is not the viewer's ("Thu, 14 Mar 2027, 23:00 Japan
 * Standard Time (Asia/Tokyo)"), else that the two are the same.
 */
function roomZone(startsAt, roomZoneId, viewerZone) {
  if (!roomZoneId) return null;
  const same = roomZoneId === viewerZone;
  return [h('dt', null, t('join.roomZone')), h('dd', { id: 'room-time' }, same
    ? t('join.roomZoneSame', { zone: roomZoneId })
    : t('join.roomZoneTime', { time: dateTime(startsAt, { timeZone: roomZoneId, zoneName: 'long' }), zone: roomZoneId }))];
}

let resyncTimer = null;
function scheduleResync(token, g) {
  if (resyncTimer) clearTimeout(resyncTimer);
  if (!countdown) return;
  const leftMs = countdown.target - performance.now();
  if (leftMs <= 2500) return; // the tick at zero asks the server anyway
  const wait = leftMs > RESYNC_MS + 5000 ? RESYNC_MS : Math.max(500, leftMs - 2000); // and once just before the start
  resyncTimer = later(() => resync(token, g), wait);
}

async function resync(token, g) {
  if (!countdown || countdown.g !== g || countdown.entering) return;
  try {
    const p = await previewOf(token);
    if (g !== generation) return;
    route(token, p, g);
  } catch (e) {
    if (g !== generation) return;
    if (TRANSIENT.has(e.code)) scheduleResync(token, g); // keep counting on the last known deadline
    else failed(asLinkError(e), token, g);
  }
}

// the local runner's start page says when it moved the server clock; a tab coming back re-syncs too
try {
  new BroadcastChannel('room-invites').addEventListener('message', (ev) => {
    if (ev.data && ev.data.type === 'clock-changed') resyncNow();
    if (ev.data && ev.data.type === 'signed-in') { showWho(); }
  });
} catch { /* no BroadcastChannel: the periodic re-sync still follows the server */ }
document.addEventListener('visibilitychange', () => { if (!document.hidden) resyncNow(); });
window.addEventListener('online', () => { if (retryNow) retryNow(); });

function resyncNow() {
  if (countdown && current) resync(current.token, countdown.g);
  else if (watching) checkStillOpen(watching.token, watching.g);
}

// ------------------------------------------------------------------ the session's end

/**
 * Lobby and "you're in": at the session's end (on the server's clock when a countdown told it, else this device's,
 * spread over a few seconds), the page asks the server and, once it says so, shows that the session is over.
 */
function watchEnd(token, g, endsAt, minWait = 0) {
  if (watching && watching.timer) clearTimeout(watching.timer);
  watching = { token, g, endsAt, timer: null };
  const end = Date.parse(endsAt);
  if (Number.isNaN(end)) return;
  const left = end - (Date.now() + (serverOffsetMs ?? 0));
  watching.timer = later(() => checkStillOpen(token, g), Math.min(Math.max(minWait, left), 86400000) + Math.random() * SPREAD_MS);
}

async function checkStillOpen(token, g) {
  if (g !== generation || !watching) return;
  const { endsAt } = watching;
  try {
    const p = await previewOf(token);
    if (g !== generation || !watching) return;
    if (p.state === 'ENDED') failed({ code: 'SESSION_ENDED' }, token, g);
    else watchEnd(token, g, p.endsAt || endsAt, END_RECHECK_MS); // not over on the server's clock yet
  } catch (e) {
    if (g !== generation || !watching) return;
    if (TRANSIENT.has(e.code)) watchEnd(token, g, endsAt, END_RECHECK_MS);
    else failed(asLinkError(e), token, g);
  }
}

// ------------------------------------------------------------------ entering

async function enter(token, g, p, email) {
  loading(t('join.entering'));
  try {
    const entry = await api.redeem(token, deviceId(), email);
    if (g === generation) showEntered(token, entry, g, p);
  } catch (e) {
    if (g !== generation) return;
    if (e.code === 'EMAIL_REQUIRED') showLobby(token, p, g);
    else if (e.code === 'SESSION_NOT_STARTED') open(token, g);
    else failed(asLinkError(e), token, g);
  }
}

/** "I have a code": for a link that doesn't work (cut, rewritten, on another device), the code from the email. */
function codeOffer() {
  return h('div', { class: 'actions' },
    h('button', { type: 'button', id: 'have-code', onclick: () => showCodeForm() }, t('join.code.offer')));
}

/** Room, email and the access code from the email: the link's token, then the invitation as with the link. */
function showCodeForm() {
  generation++;
  clearTimers();
  const g = generation;
  const field = (id, label, attrs) => [h('label', { for: id }, label),
    h('input', { id, name: id, required: true, spellcheck: 'false', autocapitalize: 'off', ...attrs })];
  const room = new URLSearchParams(location.search).get('room') || '';
  const error = h('div', { id: 'code-error', class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('join.code.submit'));
  const form = h('form', { id: 'code-form', novalidate: '' },
    field('code-room', t('join.code.room'), { value: room, maxlength: '64', dir: 'ltr', 'aria-describedby': 'code-room-hint' }),
    h('p', { id: 'code-room-hint', class: 'muted small' }, t('join.code.roomHint')),
    field('code-email', t('join.emailLabel'), { type: 'email', autocomplete: 'email', inputmode: 'email', dir: 'ltr',
      maxlength: '254', value: signedIn() ? signedIn().email : '' }),
    field('code-code', t('join.code.code'), { autocomplete: 'one-time-code', maxlength: '32', dir: 'ltr', 'aria-describedby': 'code-hint' }),
    h('p', { id: 'code-hint', class: 'muted small' }, t('join.code.hint', { example: '7KQ2-M9XD' })),
    error, h('div', { class: 'actions' }, button));
  view(t('join.code.title'), [h('p', null, t('join.code.text')), form]);
  redraw = () => {
    // the same form in the new language, with what was typed
    const typed = ['code-room', 'code-email', 'code-code'].map((id) => /** @type {HTMLInputElement} */ (document.getElementById(id)).value);
    showCodeForm();
    ['code-room', 'code-email', 'code-code'].forEach((id, i) => { /** @type {HTMLInputElement} */ (document.getElementById(id)).value = typed[i]; });
  };
  const first = /** @type {HTMLInputElement} */ (form.querySelector(room ? '#code-email' : '#code-room'));
  first.focus();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const [r, e, c] = ['code-room', 'code-email', 'code-code'].map((id) => /** @type {HTMLInputElement} */ (document.getElementById(id)));
    const empty = [r, e, c].find((i) => !i.value.trim() || !i.checkValidity());
    if (empty) {
      empty.setAttribute('aria-invalid', 'true');
      replace(error, t('join.code.missing'));
      empty.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const { token } = await api.exchangeAccessCode(r.value.trim(), e.value.trim(), c.value.trim());
      if (g !== generation) return;
      keep(token);
      begin(token);
    } catch (err) {
      if (g !== generation) return;
      form.removeAttribute('aria-busy');
      button.disabled = err.code === 'RATE_LIMITED';
      replace(error, ...errorContent(err));
      c.focus();
    }
  });
}

function showLobby(token, p, g) {
  clearTimers();
  const input = h('input', { id: 'lobby-email', name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: '254',
    inputmode: 'email', spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': 'lobby-hint lobby-error' });
  const error = h('div', { id: 'lobby-error', class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('join.lobby.enter'));
  const form = h('form', { id: 'lobby', novalidate: '' },
    h('label', { for: 'lobby-email' }, t('join.emailLabel')),
    h('p', { id: 'lobby-hint', class: 'muted small' }, t('join.lobby.hint')),
    input, error, h('div', { class: 'actions' }, button));
  view(p.room.title, [
    eventHeader(p),
    h('section', { class: 'box', 'aria-labelledby': 'lobby-heading' },
      h('h2', { id: 'lobby-heading' }, t('join.lobby.heading')),
      signedIn() ? h('p', { class: 'small' }, t('join.lobby.otherAddress', { email: signedIn().email })) : null,
      form),
  ], { focus: 'none' });
  input.focus(); // the one thing to do here
  watchEnd(token, g, p.endsAt);
  redraw = () => {
    // the same lobby in the new language, with what was typed and what it said
    const typed = input.value;
    const said = error.cloneNode(true);
    showLobby(token, p, g);
    const again = /** @type {HTMLInputElement} */ (document.getElementById('lobby-email'));
    again.value = typed;
    if (said.textContent) replace(document.getElementById('lobby-error'), lobbyError ? lobbyError() : said.textContent);
  };
  lobbyError = null;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = input.value.trim();
    if (!email || !input.checkValidity()) {
      input.setAttribute('aria-invalid', 'true');
      lobbyError = () => (email ? t('join.lobby.wholeAddress', { example: 'name@example.org' }) : t('join.lobby.noAddress'));
      replace(error, lobbyError());
      input.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const entry = await api.redeem(token, deviceId(), email);
      if (g === generation) showEntered(token, entry, g, p);
    } catch (e) {
      if (g !== generation) return;
      form.removeAttribute('aria-busy');
      if (e.code === 'EMAIL_MISMATCH' && e.attemptsLeft !== 0) {
        input.setAttribute('aria-invalid', 'true');
        button.disabled = false;
        lobbyError = () => errorContent(e);
        replace(error, ...errorContent(e));
        input.focus(); // what was typed stays, to be corrected
      } else if (e.code === 'EMAIL_MISMATCH' || e.code === 'INVITE_LOCKED') {
        // locked: the form can do nothing more; the page says so, with the focus on it
        failed({ code: 'INVITE_LOCKED', requestId: e.requestId }, token, g);
      } else if (e.code === 'INVALID_REQUEST' && (e.fields || []).some((f) => f.field === 'email')) {
        input.setAttribute('aria-invalid', 'true');
        button.disabled = false;
        lobbyError = () => t('join.lobby.wholeAddress', { example: 'name@example.org' });
        replace(error, lobbyError());
        input.focus();
      } else if (TRANSIENT.has(e.code)) {
        button.disabled = false;
        lobbyError = () => errorContent(e);
        replace(error, ...errorContent(e));
      } else {
        failed(asLinkError(e), token, g);
      }
    }
  });
}

/** The name a guest typed in this tab (for re-entry and Refresh), or null. */
function guestName() {
  try {
    const v = JSON.parse(sessionStorage.getItem(GUEST_NAME_KEY) || 'null');
    return v && v.firstName && v.lastName ? v : null;
  } catch { return null; }
}

async function enterAsGuest(token, g, p, guest) {
  loading(t('join.entering'));
  try {
    const entry = await api.guestRedeem(raw(token), deviceId(), guest);
    if (g === generation) showEntered(token, entry, g, p);
  } catch (e) {
    if (g !== generation) return;
    if (e.code === 'SESSION_NOT_STARTED') open(token, g);
    else failed(asLinkError(e), token, g);
  }
}

/** A guest link's lobby: the guest's name (and an email if they like), then in as a Viewer. */
function showGuestLobby(token, p, g) {
  clearTimers();
  const field = (id, label, attrs) => [h('label', { for: id }, label),
    h('input', { id, name: id, maxlength: '100', autocomplete: 'off', 'aria-describedby': `${id}-error`, ...attrs }),
    h('p', { id: `${id}-error`, class: 'field-error' })];
  const error = h('div', { id: 'guest-error', class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('join.lobby.enter'));
  const left = p.guestLink && typeof p.guestLink.usesLeft === 'number' ? p.guestLink.usesLeft : null;
  const form = h('form', { id: 'guest-lobby', novalidate: '' },
    field('guest-first', t('join.guest.firstName'), { required: true, autocomplete: 'given-name' }),
    field('guest-last', t('join.guest.lastName'), { required: true, autocomplete: 'family-name' }),
    field('guest-email', t('join.guest.email'), { type: 'email', maxlength: '254', autocomplete: 'email', inputmode: 'email',
      spellcheck: 'false', autocapitalize: 'off', dir: 'ltr', value: signedIn() ? signedIn().email : '' }),
    h('ul', { id: 'guest-rules', class: 'muted small' },
      h('li', null, t('join.guest.nameShown')),
      h('li', null, t('join.guest.asViewer', { role: roleLabel('VIEWER'), permissions: permissionWords(['chat', 'answer_interactions', 'qna']) })),
      h('li', null, left === null ? t('join.guest.noLimit') : t('join.guest.usesLeft', { count: left }))),
    error, h('div', { class: 'actions' }, button));
  view(p.room.title, [
    eventHeader(p),
    h('section', { class: 'box', 'aria-labelledby': 'guest-heading' }, h('h2', { id: 'guest-heading' }, t('join.guest.heading')), form),
  ], { focus: 'none' });
  /** @type {HTMLInputElement} */ (form.querySelector('#guest-first')).focus();
  redraw = () => {
    // the same lobby in the new language, with what was typed
    const ids = ['guest-first', 'guest-last', 'guest-email'];
    const typed = ids.map((id) => /** @type {HTMLInputElement} */ (document.getElementById(id)).value);
    showGuestLobby(token, p, g);
    ids.forEach((id, i) => { /** @type {HTMLInputElement} */ (document.getElementById(id)).value = typed[i]; });
  };
  watchEnd(token, g, p.endsAt);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const [first, last, email] = ['guest-first', 'guest-last', 'guest-email'].map((id) => /** @type {HTMLInputElement} */ (document.getElementById(id)));
    [first, last, email].forEach((i) => { i.removeAttribute('aria-invalid'); replace(document.getElementById(`${i.id}-error`), ''); });
    replace(error, '');
    const bad = [];
    if (!first.value.trim()) bad.push([first, t('join.guest.noFirstName')]);
    if (!last.value.trim()) bad.push([last, t('join.guest.noLastName')]);
    if (email.value.trim() && !email.checkValidity()) bad.push([email, t('join.guest.wholeEmail', { example: 'name@example.org' })]);
    if (bad.length) {
      bad.forEach(([i, text]) => { i.setAttribute('aria-invalid', 'true'); replace(document.getElementById(`${i.id}-error`), text); });
      bad[0][0].focus();
      return;
    }
    const guest = { firstName: first.value.trim(), lastName: last.value.trim(), email: email.value.trim() || undefined };
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const entry = await api.guestRedeem(raw(token), deviceId(), guest);
      if (g !== generation) return;
      try { sessionStorage.setItem(GUEST_NAME_KEY, JSON.stringify({ firstName: guest.firstName, lastName: guest.lastName })); } catch { /* this visit only */ }
      showEntered(token, entry, g, p);
    } catch (e) {
      if (g !== generation) return;
      form.removeAttribute('aria-busy');
      button.disabled = false;
      if (e.code === 'DOMAIN_BLOCKED') {
        email.setAttribute('aria-invalid', 'true');
        replace(document.getElementById('guest-email-error'), t('join.guest.domainBlocked'));
        email.focus();
      } else if (e.code === 'INVALID_REQUEST' && e.fields) {
        replace(error, ...errorContent(e));
      } else if (TRANSIENT.has(e.code)) {
        replace(error, ...errorContent(e));
      } else if (e.code === 'SESSION_NOT_STARTED') {
        open(token, g);
      } else {
        failed(asLinkError(e), token, g);
      }
    }
  });
}

function showEntered(token, entry, g, p) {
  clearTimers();
  const roleEl = h('dd', { id: 'role' }, roleLabel(entry.role));
  const permsEl = h('ul', { id: 'permissions', class: 'chips' }, permissionLabels(entry.permissions).map((l) => h('li', null, l)));
  const status = h('p', { id: 'refresh-status', class: 'small', role: 'status' });
  const refresh = h('button', { type: 'button', id: 'refresh' }, t('join.entered.refresh'));
  view(t('join.entered.title'), [
    h('p', { class: 'lead' }, entry.invitee ? t('join.entered.welcomeName', { name: entry.invitee.firstName })
      : entry.guest ? t('join.entered.welcomeGuest', { name: entry.guest.firstName }) : t('join.entered.welcome')),
    h('dl', { class: 'facts' },
      h('dt', null, t('join.entered.room')), h('dd', { id: 'room-title', dir: 'auto' }, entry.room.title),
      entry.room.startsAt ? [h('dt', null, t('join.entered.session')),
        h('dd', { id: 'session-times' }, t('join.entered.sessionTimes', { from: localTime(entry.room.startsAt), to: localTime(entry.room.endsAt) }))] : null,
      entry.room.startsAt ? roomZone(entry.room.startsAt, (p && p.room && p.room.timeZone) || entry.room.timeZone, timeZoneName()) : null,
      h('dt', null, t('join.entered.role')), roleEl,
      h('dt', null, t('join.entered.canUse')), h('dd', null, permsEl)),
    h('p', { class: 'muted small' }, t('join.entered.note')),
    h('div', { class: 'actions' }, refresh), status,
  ]);
  watchEnd(token, g, entry.room.endsAt || (p && p.endsAt));
  redraw = () => { if (g === generation) showEntered(token, entry, g, p); };
  refresh.addEventListener('click', async () => {
    refresh.disabled = true;
    replace(status, t('join.entered.refreshing'));
    try {
      const again = isGuest(token) ? await api.guestRedeem(raw(token), deviceId(), guestName() || entry.guest)
        : await api.redeem(token, deviceId());
      if (g !== generation) return;
      const changed = again.role !== entry.role;
      entry = again;
      replace(roleEl, roleLabel(again.role));
      replace(permsEl, permissionLabels(again.permissions).map((l) => h('li', null, l)));
      replace(status, changed ? t('join.entered.roleNow', { role: roleLabel(again.role) }) : t('join.entered.upToDate'));
    } catch (e) {
      if (g !== generation) return;
      if (TRANSIENT.has(e.code)) replace(status, explain(e).title + ' ' + explain(e).remedy);
      else failed(asLinkError(e), token, g);
    } finally {
      refresh.disabled = false;
    }
  });
}

/**
 * Says why the invitation doesn't open (now). A link that can no longer work is forgotten at once; a failure to
 * reach the service is retried by the page itself, backing off, and at once when the connection comes back.
 */
function failed(e, token, g, { quiet = false } = {}) {
  clearTimers();
  if (DEAD.has(e.code)) forget();
  const x = explain(e);
  const transient = TRANSIENT.has(e.code) && token;
  const again = () => { if (g === generation) open(token, g, { quiet: true }); };
  const stay = quiet && !!document.getElementById('retry-note'); // the same screen again: the focus stays where it is
  const askable = ASKABLE.has(e.code) && token;
  view(x.title, [h('div', { class: 'box error', role: 'alert' }, errorContent(e).slice(1)),
    e.code === 'LINK_INVALID' ? codeOffer() : null,
    askable ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'ask-to-join', class: 'primary',
      onclick: () => { if (g === generation) showAskForm(token); } }, t('join.ask.title'))) : null,
    transient ? [
      h('p', { id: 'retry-note', class: 'muted small' }, t('join.retry.note')),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => { if (g === generation) open(token, g); } }, t('join.retry.button'))),
    ] : null], { focus: stay ? 'none' : 'title' });
  redraw = () => { if (g === generation) failed(e, token, g, { quiet: true }); };
  if (transient) {
    const wait = Math.min(MAX_RETRY_MS, 2000 * 2 ** retries);
    retries++;
    retryNow = again;
    later(again, wait / 2 + Math.random() * (wait / 2)); // jittered, so many pages don't retry in step
  }
}

// ------------------------------------------------------------------ (v3) asking to be let in

/** The pending request to join of this tab ({token, id}), or null. */
function pendingRequest() {
  try {
    const v = JSON.parse(sessionStorage.getItem(JOIN_KEY) || 'null');
    return v && typeof v.token === 'string' && typeof v.id === 'string' ? v : null;
  } catch { return null; }
}

function forgetRequest() {
  try { sessionStorage.removeItem(JOIN_KEY); } catch { /* nothing was kept */ }
}

/** The refused link's token and an email (and a message): the room's managers see it and admit or decline. */
function showAskForm(token) {
  generation++;
  clearTimers();
  const g = generation;
  const email = h('input', { id: 'ask-email', name: 'email', type: 'email', required: true, maxlength: '254', autocomplete: 'email',
    inputmode: 'email', spellcheck: 'false', autocapitalize: 'off', value: signedIn() ? signedIn().email : '', 'aria-describedby': 'ask-email-hint' });
  const message = h('textarea', { id: 'ask-message', name: 'message', maxlength: '500', rows: '3', 'aria-describedby': 'ask-message-hint' });
  const error = h('div', { id: 'ask-error', class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('join.ask.send'));
  const form = h('form', { id: 'ask-form', novalidate: '' },
    h('label', { for: 'ask-email' }, t('join.ask.email')),
    h('p', { id: 'ask-email-hint', class: 'muted small' }, t('join.ask.emailHint')),
    email,
    h('label', { for: 'ask-message' }, t('join.ask.message')),
    h('p', { id: 'ask-message-hint', class: 'muted small' }, t('join.ask.messageHint', { count: 500 })),
    message, error, h('div', { class: 'actions' }, button));
  view(t('join.ask.title'), [h('p', null, t('join.ask.text')), form]);
  email.focus();
  redraw = () => {
    const typed = [email.value, message.value];
    showAskForm(token);
    /** @type {HTMLInputElement} */ (document.getElementById('ask-email')).value = typed[0];
    /** @type {HTMLTextAreaElement} */ (document.getElementById('ask-message')).value = typed[1];
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!email.value.trim() || !email.checkValidity()) {
      email.setAttribute('aria-invalid', 'true');
      replace(error, t('join.lobby.wholeAddress', { example: 'name@example.org' }));
      email.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const r = await api.askToJoin(raw(token), email.value.trim(), message.value.trim(), deviceId());
      if (g !== generation) return;
      const pending = { token, id: r.joinRequestId };
      try { sessionStorage.setItem(JOIN_KEY, JSON.stringify(pending)); } catch { /* this visit only */ }
      showWaiting(pending, g);
    } catch (e) {
      if (g !== generation) return;
      form.removeAttribute('aria-busy');
      button.disabled = e.code === 'RATE_LIMITED';
      replace(error, ...errorContent(e));
    }
  });
}

/** Waits for the managers' answer, asking now and then (and when the tab comes back); admitted: in with the new link. */
function showWaiting(pending, g) {
  clearTimers();
  const status = h('p', { id: 'ask-status', role: 'status' }, t('join.wait.sent'));
  view(t('join.wait.title'), [
    h('p', null, t('join.wait.text')),
    status,
  ]);
  redraw = () => { if (g === generation) showWaiting(pending, ++generation); };
  const check = async () => {
    if (g !== generation) return;
    try {
      const r = await api.joinRequestStatus(raw(pending.token), pending.id);
      if (g !== generation) return;
      if (r.status === 'ADMITTED' && r.token) {
        forgetRequest();
        keep(r.token);
        begin(r.token);
        return;
      }
      if (r.status === 'DECLINED') {
        forgetRequest();
        view(t('join.wait.declinedTitle'), [h('div', { class: 'box error', role: 'alert' },
          h('p', null, t('join.wait.declinedText')))]);
        return;
      }
      replace(status, t('join.wait.still', { time: new Date().toLocaleTimeString(language()) }));
    } catch (e) {
      if (g !== generation) return;
      if (!TRANSIENT.has(e.code)) {
        forgetRequest();
        failed(e, null, g);
        return;
      }
      replace(status, t('join.wait.keepsTrying', { problem: explain(e).title }));
    }
    later(check, JOIN_POLL_MS);
  };
  watching = null;
  check();
}

document.addEventListener('visibilitychange', () => {
  const pending = pendingRequest();
  if (!document.hidden && pending && !current && document.getElementById('ask-status')) showWaiting(pending, ++generation);
});


// ------------------------------------------------------------------ the page's language

function chosenLanguage() {
  try { return supported(sessionStorage.getItem(LANGUAGE_KEY)); } catch { return null; }
}

/** The language of the invitation this tab showed last (an error after a revoke still speaks it). */
function inviteLanguage() {
  try { return supported(sessionStorage.getItem(INVITE_LANGUAGE_KEY)); } catch { return null; }
}

/** Speaks `tag` from now on: the catalog, the page's lang and dir, its fixed texts and the switcher. */
async function useLanguage(tag) {
  await setLanguage(tag);
  translateStatic();
  showWho();
  const select = /** @type {HTMLSelectElement|null} */ (document.getElementById('language'));
  if (select) select.value = language();
}

/** The visitor's language switch, in the page's bar: each language named in itself. */
function languageSwitch() {
  const select = h('select', { id: 'language' }, LANGUAGES.map((l) => h('option', { value: l, lang: l }, languageName(l))));
  select.value = language();
  select.addEventListener('change', async () => {
    try { sessionStorage.setItem(LANGUAGE_KEY, select.value); } catch { /* storage blocked: this visit only */ }
    await useLanguage(select.value);
    if (redraw) redraw();
    select.focus();
  });
  replace(document.getElementById('language-switch'),
    h('label', { for: 'language', class: 'visually-hidden', 'data-i18n': 'site.language' }, t('site.language')), select);
}

(async () => {
  await useLanguage(chosenLanguage() || inviteLanguage() || browserLanguage());
  languageSwitch();
  start();
})();
