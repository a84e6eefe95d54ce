// start.js: the local runner's start page (never deployed): sign-in through /dev/token, time travel through
// /dev/clock, links to the screens. Open join pages hear about a clock move on a BroadcastChannel.

import { client, signedIn, signIn, signOut, apiBaseUrl } from './site.js';
import { h, replace, localTime, explain } from './ui.js';

const api = client();
const $ = (id) => /** @type {any} */ (document.getElementById(id));
let channel = null;
try { channel = new BroadcastChannel('room-invites'); } catch { channel = null; }

const base = apiBaseUrl() || location.origin;
replace($('api-base'), base);
$('outbox-link').href = base + '/dev/outbox?format=html';

function showWho() {
  const who = signedIn();
  replace($('who'), who ? `Signed in as ${who.email}` : 'Not signed in');
  replace($('signin-status'), who ? `Signed in as ${who.email}${who.admin ? ' (site administrator)' : ''}.` : 'Not signed in.');
}

async function signInAs(who) {
  replace($('si-error'));
  try {
    const r = await api.devToken(who);
    signIn({ token: r.token, email: who.email.trim().toLowerCase(), admin: !!who.siteAdmin });
    showWho();
    if (channel) channel.postMessage({ type: 'signed-in' });
  } catch (e) {
    const x = explain(e);
    replace($('si-error'), `${x.title} ${(e.fields && e.fields[0]) ? 'The email ' + e.fields[0].problem + '.' : x.remedy}`);
    $('si-email').setAttribute('aria-invalid', 'true');
    $('si-email').focus();
  }
}

$('as-owner').addEventListener('click', () => signInAs({ email: 'owner@example.com', firstName: 'Olivia', lastName: 'Owner' }));
$('sign-out').addEventListener('click', () => { signOut(); showWho(); if (channel) channel.postMessage({ type: 'signed-in' }); });
$('signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('si-email').removeAttribute('aria-invalid');
  const email = $('si-email').value.trim();
  if (!email) { replace($('si-error'), 'Enter an email address.'); $('si-email').setAttribute('aria-invalid', 'true'); $('si-email').focus(); return; }
  const who = { email };
  if ($('si-first').value.trim()) who.firstName = $('si-first').value.trim();
  if ($('si-last').value.trim()) who.lastName = $('si-last').value.trim();
  if ($('si-admin').checked) who.siteAdmin = true;
  signInAs(who);
});

async function moveClock(seconds) {
  const buttons = [...document.querySelectorAll('#clock-buttons button')];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const r = await api.devClock(seconds);
    replace($('server-time'), localTime(r.now));
    if (seconds > 0) replace($('clock-status'), `Server clock moved forward ${seconds} seconds, to ${localTime(r.now)}.`);
    if (channel && seconds > 0) channel.postMessage({ type: 'clock-changed', now: r.now });
  } catch (e) {
    replace($('clock-status'), h('span', { class: 'error-title' }, explain(e).title), ' ', explain(e).remedy);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

document.querySelectorAll('#clock-buttons button').forEach((b) => {
  b.addEventListener('click', () => moveClock(Number(b.dataset.seconds)));
});

showWho();
moveClock(0); // reads the server's time without moving it
