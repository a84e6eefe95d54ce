// join.js: the invitee's page. Reads the link token from the address's fragment (#invite=...) and then
// clears it from the address bar; previews; counts down to the start on the server's clock; enters by
// itself when the session opens (signed in with the invited email), or shows the lobby; then "you're in".

import { roleLabel, permissionLabels } from './room-invites.js';
import { client, signedIn } from './site.js';
import { h, replace, localTime, timeZoneName, duration, durationWords, errorContent, explain } from './ui.js';

const api = client();
const TOKEN_KEY = 'roomInvites.joinToken'; // this tab only, so that a reload still works once the fragment is gone
const DEVICE_KEY = 'roomInvites.deviceId';
const RESYNC_MS = 20000; // the countdown re-reads the server's secondsUntilStart this often
const SPREAD_MS = 4000; // entering at the start is spread over this many ms across open pages
// transient failures shown in place (the form stays); anything else replaces the page
const TRANSIENT = new Set(['RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'NETWORK_ERROR', 'INTERNAL', 'INVALID_REQUEST', 'BAD_RESPONSE']);

const main = /** @type {HTMLElement} */ (document.getElementById('main'));

/** Bumped for every new token: answers that arrive for an older one are dropped. */
let generation = 0;
/** @type {number[]} */
let timers = [];
/** The countdown on screen, if any. */
let countdown = null;

function later(fn, ms) {
  const id = setTimeout(fn, ms);
  timers.push(id);
  return id;
}

function clearTimers() {
  timers.forEach((t) => { clearTimeout(t); clearInterval(t); });
  timers = [];
  countdown = null;
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

/** The token in the address's fragment, removed from the address bar (not in screenshots or copied URLs). */
function takeTokenFromAddress() {
  const hash = location.hash.startsWith('#') ? location.hash.slice(1) : location.hash;
  const token = new URLSearchParams(hash).get('invite');
  if (!token) return null;
  try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* storage blocked: this visit only */ }
  history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}

function start() {
  const fromAddress = takeTokenFromAddress();
  let token = fromAddress;
  if (!token) {
    try { token = sessionStorage.getItem(TOKEN_KEY); } catch { token = null; }
  }
  generation++;
  clearTimers();
  showWho();
  if (!token) {
    view('No invitation here', [
      h('p', null, 'This page opens a room from an invitation link. Open the link from your invitation email, or paste the whole link into the address bar.'),
    ]);
    return;
  }
  open(token, generation);
}

function showWho() {
  const who = signedIn();
  replace(document.getElementById('who'), who ? `Signed in as ${who.email}` : 'Not signed in');
}

/** Replaces the page's content, heading first, and moves focus to the heading. */
function view(title, content, { focus = 'title', alert = false } = {}) {
  const heading = h('h1', { id: 'title', tabindex: '-1' }, title);
  replace(main, heading, alert ? h('div', { class: 'box error', role: 'alert' }, content) : content);
  if (focus === 'title') heading.focus();
  return heading;
}

function loading(text) {
  view(text, [h('p', { class: 'muted' }, 'One moment…')]);
}

/** Preview, then show what it says. */
async function open(token, g) {
  if (!countdown) loading('Opening your invitation…');
  let p;
  try {
    p = await api.preview(token, deviceId());
  } catch (e) {
    if (g === generation) failed(e, token, g);
    return;
  }
  if (g === generation) route(token, p, g);
}

function route(token, p, g) {
  if (p.state === 'ENDED') {
    failed({ code: 'SESSION_ENDED' }, token, g);
  } else if (p.next === 'WAIT' || p.state === 'NOT_STARTED') {
    showCountdown(token, p, g);
  } else if (p.next === 'ENTER') {
    enter(token, g, p);
  } else {
    showLobby(token, p, g);
  }
}

function eventHeader(p) {
  return [
    h('p', { class: 'lead' }, `Hi ${p.invitee.firstName}, you're invited as ${roleLabel(p.invitee.role)}.`),
    p.room.description ? h('p', { class: 'description' }, p.room.description) : null,
  ];
}

// ------------------------------------------------------------------ before the start

function showCountdown(token, p, g) {
  const target = performance.now() + Math.max(0, p.secondsUntilStart) * 1000;
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
  view(p.room.title, [
    eventHeader(p),
    h('dl', { class: 'facts' },
      h('dt', null, 'Starts'), h('dd', { id: 'starts-at' }, localTime(p.startsAt), zone ? ` (${zone})` : ''),
      h('dt', null, 'Ends'), h('dd', null, localTime(p.endsAt))),
    h('section', { class: 'box countdown-box', 'aria-labelledby': 'countdown-label' },
      h('h2', { id: 'countdown-label' }, 'The session starts in'),
      clock, spoken,
      h('p', { class: 'muted small' }, 'Keep this page open: it lets you in by itself when the session starts.')),
  ]);
  let lastSpokenMinute = null;
  countdown = {
    g, target, entering: false,
    tick() {
      const left = (this.target - performance.now()) / 1000;
      replace(clock, left > 0 ? duration(Math.ceil(left)) : 'Starting…');
      const minute = Math.ceil(left / 60);
      if (minute !== lastSpokenMinute) {
        lastSpokenMinute = minute;
        replace(spoken, left > 0 ? `The session starts in ${durationWords(left)}.` : 'The session is starting.');
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
    const p = await api.preview(token, deviceId());
    if (g !== generation) return;
    route(token, p, g);
  } catch (e) {
    if (g !== generation) return;
    if (TRANSIENT.has(e.code)) scheduleResync(token, g); // keep counting on the last known deadline
    else failed(e, token, g);
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

function resyncNow() {
  if (!countdown) return;
  let token;
  try { token = sessionStorage.getItem(TOKEN_KEY); } catch { token = null; }
  if (token) resync(token, countdown.g);
}

// ------------------------------------------------------------------ entering

async function enter(token, g, p, email) {
  loading('Entering the room…');
  try {
    const entry = await api.redeem(token, deviceId(), email);
    if (g === generation) showEntered(token, entry, g);
  } catch (e) {
    if (g !== generation) return;
    if (e.code === 'EMAIL_REQUIRED') showLobby(token, p, g);
    else if (e.code === 'SESSION_NOT_STARTED') open(token, g);
    else failed(e, token, g);
  }
}

function showLobby(token, p, g) {
  clearTimers();
  const input = h('input', { id: 'lobby-email', name: 'email', type: 'email', autocomplete: 'email', required: true,
    inputmode: 'email', spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': 'lobby-hint lobby-error' });
  const error = h('div', { id: 'lobby-error', class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Enter the room');
  const form = h('form', { id: 'lobby', novalidate: '' },
    h('label', { for: 'lobby-email' }, 'Email address that received the invitation'),
    h('p', { id: 'lobby-hint', class: 'muted small' }, 'Type the address the invitation was sent to.'),
    input, error, h('div', { class: 'actions' }, button));
  view(p.room.title, [
    eventHeader(p),
    h('section', { class: 'box', 'aria-labelledby': 'lobby-heading' },
      h('h2', { id: 'lobby-heading' }, 'Lobby: confirm your email'),
      signedIn() ? h('p', { class: 'small' }, `You are signed in as ${signedIn().email}, which is not the invited address.`) : null,
      form),
  ], { focus: 'none' });
  input.focus(); // the one thing to do here

  const lock = (e) => {
    input.disabled = true;
    button.disabled = true;
    form.classList.add('locked');
    replace(error, ...errorContent(e));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = input.value.trim();
    if (!email || !input.checkValidity()) {
      input.setAttribute('aria-invalid', 'true');
      replace(error, email ? 'Enter a whole email address, like name@example.org.' : 'Enter your email address.');
      input.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const entry = await api.redeem(token, deviceId(), email);
      if (g === generation) showEntered(token, entry, g);
    } catch (e) {
      if (g !== generation) return;
      form.removeAttribute('aria-busy');
      if (e.code === 'EMAIL_MISMATCH') {
        input.setAttribute('aria-invalid', 'true');
        if (e.attemptsLeft === 0) {
          lock({ code: 'INVITE_LOCKED', requestId: e.requestId });
        } else {
          button.disabled = false;
          replace(error, ...errorContent(e));
          input.focus(); // what was typed stays, to be corrected
        }
      } else if (e.code === 'INVITE_LOCKED') {
        lock(e);
      } else if (TRANSIENT.has(e.code)) {
        button.disabled = false;
        replace(error, ...errorContent(e));
      } else {
        failed(e, token, g);
      }
    }
  });
}

function showEntered(token, entry, g) {
  clearTimers();
  const roleEl = h('dd', { id: 'role' }, roleLabel(entry.role));
  const permsEl = h('ul', { id: 'permissions', class: 'chips' }, permissionLabels(entry.permissions).map((l) => h('li', null, l)));
  const status = h('p', { id: 'refresh-status', class: 'small', role: 'status' });
  const refresh = h('button', { type: 'button', id: 'refresh' }, 'Refresh');
  view('You\'re in', [
    h('p', { class: 'lead' }, entry.invitee ? `Welcome, ${entry.invitee.firstName}.` : 'Welcome.'),
    h('dl', { class: 'facts' },
      h('dt', null, 'Room'), h('dd', { id: 'room-title' }, entry.room.title),
      entry.room.startsAt ? [h('dt', null, 'Session'), h('dd', null, `${localTime(entry.room.startsAt)} – ${localTime(entry.room.endsAt)}`)] : null,
      h('dt', null, 'Your role'), roleEl,
      h('dt', null, 'You can use'), h('dd', null, permsEl)),
    h('p', { class: 'muted small' }, 'On the site, the room opens here with this access. If the room manager changes your role, press Refresh.'),
    h('div', { class: 'actions' }, refresh), status,
  ]);
  refresh.addEventListener('click', async () => {
    refresh.disabled = true;
    replace(status, 'Refreshing…');
    try {
      const again = await api.redeem(token, deviceId());
      if (g !== generation) return;
      const changed = again.role !== entry.role;
      entry = again;
      replace(roleEl, roleLabel(again.role));
      replace(permsEl, permissionLabels(again.permissions).map((l) => h('li', null, l)));
      replace(status, changed ? `Your role is now ${roleLabel(again.role)}.` : 'Up to date.');
    } catch (e) {
      if (g !== generation) return;
      if (TRANSIENT.has(e.code)) replace(status, explain(e).title + ' ' + explain(e).remedy);
      else failed(e, token, g);
    } finally {
      refresh.disabled = false;
    }
  });
}

function failed(e, token, g) {
  clearTimers();
  const x = explain(e);
  view(x.title, [h('div', { class: 'box error', role: 'alert' }, errorContent(e).slice(1)),
    TRANSIENT.has(e.code) ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => { if (g === generation) open(token, g); } }, 'Try again')) : null]);
}

window.addEventListener('hashchange', () => {
  if (location.hash.includes('invite=')) start();
});
start();
