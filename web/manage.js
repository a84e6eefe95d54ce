// manage.js: the room manager's "Invite users" screen for the room named by ?room=.
// invite-options decides what is offered; the directory suggests people as the email is typed; the
// link comes back with a Copy button and the email's outcome; below, the room's invites with their actions.

import { ROLES, newIdempotencyKey } from './room-invites.js';
import { client, signedIn } from './site.js';
import { h, replace, localTime, errorContent, explain, notOffered, roleLabel, permissionWords } from './ui.js';
import { t, has, setLanguage, browserLanguage, translateStatic, languageName } from './i18n.js';

const api = client();
const roomId = new URLSearchParams(location.search).get('room') || '';
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/; // the API's room ids
const PAGE_SIZE = 10;
const OPTIONS_RECHECK_MS = 60000; // invite-options is read again this often (while the tab is visible): the session may end
const $ = (id) => /** @type {any} */ (document.getElementById(id));

/** @type {import('./room-invites.js').InviteOptions|null} */
let options = null;
/** The room's session is over: its invites can no longer be changed, so no action is offered on them. */
let sessionEnded = false;

// ------------------------------------------------------------------ start

async function init() {
  // the manager's browser language, where the screens speak it
  await setLanguage(browserLanguage());
  translateStatic();
  const who = signedIn();
  replace($('who'), who ? t('site.signedInAs', { email: who.email }) : t('site.notSignedIn'));
  if (!roomId) {
    notice(t('manage.noRoom.title'), t('manage.noRoom.remedy', { example: t('manage.noRoom.example') }));
    return;
  }
  // named by its id until invite-options tells its title
  replace($('room-line'), t('manage.roomLabel'), h('code', null, roomId));
  if (!ROOM_ID.test(roomId)) {
    noticeError({ code: 'ROOM_NOT_FOUND' }); // not a room id at all: the room can't exist
    return;
  }
  try {
    options = await api.inviteOptions(roomId);
  } catch (e) {
    noticeError(e.code === 'INVALID_REQUEST' ? { code: 'ROOM_NOT_FOUND', requestId: e.requestId } : e);
    return;
  }
  if (options.room && options.room.title) {
    replace($('room-line'), t('manage.roomLabel'), h('strong', null, options.room.title), ' ', h('code', null, `(${roomId})`));
  }
  sessionEnded = options.reasons.includes('SESSION_ENDED');
  if (options.canInvite) {
    setUpForm();
    $('invite-section').hidden = false;
    $('bulk').hidden = false;
  } else {
    showReasons(options.reasons);
  }
  $('invites').hidden = false;
  setUpList();
  watchOptions();
  setUpGuestLinks();
  setUpJoinRequests();
  await loadInvites();
}

function showReasons(codes) {
  const reasons = codes.length ? codes : ['FEATURE_DISABLED'];
  replace($('notice'), h('div', { class: 'box warn' },
    h('p', { class: 'error-title' }, t('manage.cannotInvite')),
    h('ul', { id: 'reasons' }, reasons.map((code) => {
      const x = code === 'SESSION_ENDED'
        ? { title: t('manage.sessionOver.title'), remedy: t('manage.sessionOver.remedy') }
        : explain({ code });
      return h('li', null, h('strong', null, x.title), ' ', x.remedy);
    }))));
}

/** The session has ended (invite-options or an action said so): no form, no action on the invites. */
function endSession() {
  if (sessionEnded) return;
  sessionEnded = true;
  $('invite-section').hidden = true;
  $('bulk').hidden = true;
  $('result').hidden = true;
  showReasons([...new Set([...(options ? options.reasons : []), 'SESSION_ENDED'])]);
  loadInvites();
}

/** Reads invite-options again now and then (and when the tab comes back): the room's session may end meanwhile. */
function watchOptions() {
  const check = async () => {
    if (sessionEnded || document.hidden) return;
    try {
      const again = await api.inviteOptions(roomId);
      if (again.reasons.includes('SESSION_ENDED')) endSession();
    } catch {
      // a missed check changes nothing: an action on an ended session's invite still says so
    }
  };
  setInterval(check, OPTIONS_RECHECK_MS);
  document.addEventListener('visibilitychange', check);
  try {
    new BroadcastChannel('room-invites').addEventListener('message', (ev) => {
      if (ev.data && ev.data.type === 'clock-changed') check(); // the local runner's clock moved
    });
  } catch { /* no BroadcastChannel: the periodic check remains */ }
}

function notice(title, remedy) {
  replace($('notice'), h('div', { class: 'box error' }, h('p', { class: 'error-title' }, title), h('p', null, remedy)));
}

function noticeError(e) {
  const parts = errorContent(e);
  if (e.code === 'UNAUTHENTICATED') {
    parts.push(h('p', null, h('a', { href: './' }, t('manage.signIn.link')), t('manage.signIn.rest')));
  }
  replace($('notice'), h('div', { class: 'box error' }, parts));
}

// ------------------------------------------------------------------ the form

let idempotencyKey = null; // one per filled-in form: a double click or a retry creates one invite

function setUpForm() {
  const choices = $('role-choices');
  const roles = options.roles && options.roles.length ? options.roles : ROLES;
  replace(choices, roles.map((r, i) => {
    return h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'role', id: `role-${r.id}`, value: r.id, checked: i === 0, 'aria-describedby': `role-${r.id}-perms` }),
      h('label', { for: `role-${r.id}` }, h('strong', null, roleLabel(r.id)),
        h('span', { id: `role-${r.id}-perms`, class: 'perms' }, t('manage.role.access', { permissions: listWords(r.permissions || []) }))));
  }));
  const locales = options.locales || [];
  if (locales.length > 1) {
    // the invitee's language: what their emails and their join page speak
    const select = $('locale');
    replace(select, locales.map((l) => h('option', { value: l.id, lang: l.id }, l.label || languageName(l.id))));
    select.value = options.defaultLocale || locales[0].id;
    $('locale-field').hidden = false;
  }
  if (options.sendEmailAvailable) {
    $('send-email-field').hidden = false;
    $('bulk-email-field').hidden = false;
  }
  const form = $('invite-form');
  form.addEventListener('input', () => { idempotencyKey = null; });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
  setUpSuggestions();
  setUpBulk();
}

/** The permissions as words in a sentence ("chat, answer interactions, and Q&A"), in the screens' language. */
function listWords(ids) {
  return permissionWords(ids);
}

const FIELDS = ['email', 'firstName', 'lastName', 'role'];

function clearFieldErrors() {
  for (const f of FIELDS) {
    replace($(`${f}-error`));
    const input = f === 'role' ? $('roles') : $(f);
    input.removeAttribute('aria-invalid');
  }
  replace($('form-error'));
}

function fieldError(field, text) {
  const known = FIELDS.includes(field) ? field : null;
  if (!known) return false;
  replace($(`${known}-error`), text);
  (known === 'role' ? $('roles') : $(known)).setAttribute('aria-invalid', 'true');
  return true;
}

async function submit() {
  clearFieldErrors();
  const email = $('email').value.trim();
  const firstName = $('firstName').value.trim();
  const lastName = $('lastName').value.trim();
  const role = /** @type {HTMLInputElement|null} */ (document.querySelector('input[name="role"]:checked'));
  const problems = [];
  if (!email) problems.push(['email', t('manage.form.noEmail')]);
  else if (!$('email').checkValidity()) problems.push(['email', t('manage.form.wholeEmail', { example: 'name@example.org' })]);
  if (!firstName) problems.push(['firstName', t('manage.form.noFirstName')]);
  if (!lastName) problems.push(['lastName', t('manage.form.noLastName')]);
  if (!role) problems.push(['role', t('manage.form.noRole')]);
  if (problems.length) {
    problems.forEach(([f, t]) => fieldError(f, t));
    (problems[0][0] === 'role' ? document.querySelector('input[name="role"]') : $(problems[0][0])).focus();
    return;
  }
  closeSuggestions();
  const button = $('generate');
  button.disabled = true;
  replace(button, t('manage.form.generating'));
  idempotencyKey ||= newIdempotencyKey();
  const body = { email, firstName, lastName, role: role.value, sendEmail: !!(options.sendEmailAvailable && $('sendEmail').checked) };
  if (!$('locale-field').hidden) body.locale = $('locale').value;
  try {
    const created = await api.createInvite(roomId, body, { idempotencyKey });
    idempotencyKey = null;
    $('invite-form').reset();
    showResult(created, t('manage.result.title', { name: `${created.invite.firstName} ${created.invite.lastName}` }));
    cursors = [null];
    await loadInvites();
  } catch (e) {
    let first = null;
    for (const f of e.fields || []) {
      if (fieldError(f.field, sentence(f.field, f.problem)) && !first) first = f.field;
    }
    if (first) {
      (first === 'role' ? document.querySelector('input[name="role"]') : $(first)).focus();
    } else if (e.code === 'DOMAIN_BLOCKED') {
      // said once, beside the field it is about
      fieldError('email', `${explain(e).title} ${explain(e).remedy}`);
      $('email').focus();
    } else {
      if (e.code === 'SESSION_ENDED') endSession();
      replace($('form-error'), h('div', { class: 'box error' }, errorContent(e)));
    }
  } finally {
    button.disabled = false;
    replace(button, t('manage.form.generate'));
  }
}

/** A field error of the service in a sentence: the field named in the screens' language, the problem as the API said it. */
function sentence(field, problem) {
  const known = ['email', 'firstName', 'lastName', 'role', 'locale'].includes(field);
  return t('manage.form.fieldProblem', { field: known ? t(`manage.field.${field}`) : field, problem }).replace(/\.\.$/, '.');
}

// ------------------------------------------------------------------ suggestions (a combobox)

let suggestTimer = null;
let suggestAbort = null;
let suggestions = [];
let active = -1;

function setUpSuggestions() {
  const input = $('email');
  input.addEventListener('input', () => {
    clearTimeout(suggestTimer);
    const q = input.value.trim();
    if (q.length < 1) { closeSuggestions(); return; }
    suggestTimer = setTimeout(() => suggest(q), 250); // debounced
  });
  input.addEventListener('keydown', (ev) => {
    const open = !$('email-suggestions').hidden;
    if (ev.key === 'ArrowDown' && suggestions.length) {
      ev.preventDefault();
      if (!open) showSuggestions();
      setActive(Math.min(suggestions.length - 1, active + 1));
    } else if (ev.key === 'ArrowUp' && open) {
      ev.preventDefault();
      setActive(Math.max(0, active - 1));
    } else if (ev.key === 'Enter' && open && active >= 0) {
      ev.preventDefault();
      pick(suggestions[active]);
    } else if (ev.key === 'Escape' && open) {
      ev.preventDefault();
      closeSuggestions();
    }
  });
  input.addEventListener('blur', () => setTimeout(closeSuggestions, 150));
}

async function suggest(q) {
  if (suggestAbort) suggestAbort.abort();
  suggestAbort = new AbortController();
  try {
    const r = await api.inviteeSuggestions(roomId, q, { signal: suggestAbort.signal });
    if ($('email').value.trim() !== q) return; // typed on meanwhile
    suggestions = r.users || [];
    active = -1;
    if (suggestions.length && document.activeElement === $('email')) showSuggestions();
    else closeSuggestions();
  } catch {
    closeSuggestions(); // suggestions are a convenience: typing the address still works
  }
}

function showSuggestions() {
  const list = $('email-suggestions');
  replace(list, suggestions.map((u, i) => h('li', {
    id: `suggestion-${i}`, role: 'option', 'aria-selected': 'false', class: 'option',
    onmousedown: (ev) => { ev.preventDefault(); pick(u); },
  }, h('span', { class: 'name' }, `${u.firstName} ${u.lastName}`), ' ', h('span', { class: 'muted' }, u.email))));
  list.hidden = false;
  $('email').setAttribute('aria-expanded', 'true');
}

function setActive(i) {
  active = i;
  [...$('email-suggestions').children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
  if (i >= 0) $('email').setAttribute('aria-activedescendant', `suggestion-${i}`);
  else $('email').removeAttribute('aria-activedescendant');
}

function closeSuggestions() {
  const list = $('email-suggestions');
  if (!list) return;
  list.hidden = true;
  replace(list);
  active = -1;
  $('email').setAttribute('aria-expanded', 'false');
  $('email').removeAttribute('aria-activedescendant');
}

function pick(u) {
  $('email').value = u.email;
  $('firstName').value = u.firstName || '';
  $('lastName').value = u.lastName || '';
  idempotencyKey = null;
  suggestions = [];
  closeSuggestions();
  $('email').focus();
}

// ------------------------------------------------------------------ the link and the email outcome

/** @param {import('./room-invites.js').IssuedLink} issued @param {string} title */
function showResult(issued, title) {
  const section = $('result');
  const link = h('input', { id: 'link', type: 'text', readOnly: true, value: issued.link, 'aria-describedby': 'link-note' });
  const copyStatus = h('p', { id: 'copy-status', class: 'small', role: 'status' });
  const copy = h('button', { id: 'copy', type: 'button', class: 'primary' }, t('manage.result.copy'));
  copy.addEventListener('click', () => copyLink(link, copyStatus));
  const heading = h('h2', { id: 'result-heading', tabindex: '-1' }, title);
  replace(section,
    heading,
    h('p', null, t('manage.result.summary', { role: roleLabel(issued.invite.role), email: issued.invite.email,
      expires: localTime(issued.invite.expiresAt) })),
    h('label', { for: 'link' }, t('manage.result.link')),
    h('div', { class: 'copyrow' }, link, copy),
    copyStatus,
    h('p', { id: 'link-note', class: 'muted small' }, t('manage.result.linkNote')),
    issued.accessCode ? h('p', { id: 'access-code', class: 'small' }, t('manage.result.accessCode'),
      h('code', null, issued.accessCode), t('manage.result.accessCodeRoom', { room: roomId })) : null,
    h('div', { id: 'email-outcome', role: 'status' }, emailOutcome(issued)));
  section.hidden = false;
  heading.focus();
  section.scrollIntoView({ block: 'nearest' });
}

async function copyLink(input, status) {
  const text = input.value;
  try {
    await navigator.clipboard.writeText(text);
    replace(status, t('manage.result.copied'));
    return;
  } catch {
    // no Clipboard API here (an insecure origin, or permission refused): fall back to a selection copy
  }
  input.focus();
  input.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  replace(status, ok ? t('manage.result.copied') : t('manage.result.copyByHand'));
}

/** @param {import('./room-invites.js').IssuedLink} issued */
function emailOutcome(issued) {
  const e = issued.email || { status: 'NOT_REQUESTED' };
  const name = issued.invite.firstName;
  switch (e.status) {
    case 'SENT': return h('p', { class: 'ok' }, t('manage.email.sent', { email: issued.invite.email }));
    case 'QUEUED': return h('p', null, t('manage.email.queued', { email: issued.invite.email }));
    case 'FAILED': {
      const wrap = h('div', { class: 'box error' });
      const resend = h('button', { type: 'button', id: 'resend' }, t('manage.email.resend'));
      resend.addEventListener('click', async () => {
        resend.disabled = true;
        try {
          const again = await api.resendInvite(issued.invite.roomId, issued.invite.inviteId);
          replace($('email-outcome'), emailOutcome(again));
          loadInvites();
        } catch (err) {
          resend.disabled = false;
          replace(wrap, h('p', { class: 'error-title' }, t('manage.email.failed', { reason: e.error || t('manage.unknownReason') })), errorContent(err), resend);
        }
      });
      replace(wrap, h('p', { class: 'error-title' }, t('manage.email.failed', { reason: e.error || t('manage.unknownReason') })),
        h('p', null, t('manage.email.failedRemedy')), resend);
      return wrap;
    }
    default: return h('p', null, t('manage.email.notEmailed', { name }));
  }
}

// ------------------------------------------------------------------ CSV upload (v2 route)

function setUpBulk() {
  $('bulk-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = $('bulk-file').files && $('bulk-file').files[0];
    const status = $('bulk-status');
    if (!file) { replace(status, t('manage.bulk.noFile')); $('bulk-file').focus(); return; }
    const button = $('bulk-upload');
    button.disabled = true;
    replace(status, t('manage.bulk.uploading'));
    try {
      const csv = await file.text();
      const r = await api.bulkInvitesCsv(roomId, csv, { sendEmail: !!(options.sendEmailAvailable && $('bulk-sendEmail').checked) });
      replace(status, t('manage.bulk.outcome', { created: r.created, failed: r.failed }));
      showBulkResults(r);
      cursors = [null];
      loadInvites();
    } catch (e) {
      if (notOffered(e)) {
        replace(status, h('span', { class: 'warn-text' }, t('manage.bulk.notOffered')));
      } else {
        replace(status, h('div', { class: 'box error' }, errorContent(e)));
      }
    } finally {
      button.disabled = false;
    }
  });
}

/** @param {import('./room-invites.js').BulkResult} r */
function showBulkResults(r) {
  replace($('bulk-results'), h('table', { id: 'bulk-table' },
    h('caption', null, t('manage.bulk.caption')),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('manage.bulk.row')), h('th', { scope: 'col' }, t('manage.bulk.invitee')),
      h('th', { scope: 'col' }, t('manage.bulk.result')))),
    h('tbody', null, (r.results || []).map((row) => h('tr', { class: row.status === 'CREATED' ? 'ok-row' : 'fail-row' },
      h('td', null, String(row.row)),
      h('td', null, row.invite ? `${row.invite.firstName} ${row.invite.lastName} (${row.invite.email})` : '—'),
      h('td', null, row.status === 'CREATED'
        ? [h('span', null, t('manage.bulk.created')), row.link ? [' · ', h('code', { class: 'linktext' }, row.link)] : null]
        : t('manage.bulk.failed', { reason: row.error ? row.error.message + (row.error.fields ? ' (' + row.error.fields.map((f) => `${f.field} ${f.problem}`).join('; ') + ')' : '') : t('manage.unknownReason') })))))));
}

// ------------------------------------------------------------------ the room's invites

let cursors = [null]; // the cursor of each page seen, for Previous
let nextCursor = null;

function setUpList() {
  $('status-filter').addEventListener('change', () => { cursors = [null]; loadInvites(); });
  $('reload').addEventListener('click', () => loadInvites());
  $('download').addEventListener('click', download);
  $('next-page').addEventListener('click', () => { if (nextCursor) { cursors.push(nextCursor); loadInvites(true); } });
  $('prev-page').addEventListener('click', () => { if (cursors.length > 1) { cursors.pop(); loadInvites(true); } });
}

/** Every invite of the room as one CSV file (the export's pages, fetched in turn), saved by the browser. */
async function download() {
  const button = $('download');
  const status = $('list-status');
  button.disabled = true;
  replace(status, t('manage.list.preparing'));
  try {
    const csv = await api.exportInvites(roomId, 'csv');
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: `invites-${roomId}.csv`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    const rows = Math.max(0, csv.split('\r\n').filter((l) => l).length - 1);
    replace(status, t('manage.list.downloaded', { count: rows }));
  } catch (e) {
    replace(status, ...errorContent(e));
  } finally {
    button.disabled = false;
  }
}

async function loadInvites(focusList = false) {
  const status = $('list-status');
  replace(status, t('manage.list.loading'));
  let page;
  try {
    page = await api.listInvites(roomId, { status: $('status-filter').value || undefined, limit: PAGE_SIZE, cursor: cursors[cursors.length - 1] });
  } catch (e) {
    replace(status, h('span', { class: 'error-title' }, explain(e).title), ' ', explain(e).remedy);
    return;
  }
  nextCursor = page.nextCursor || null;
  const n = page.invites.length;
  const from = (cursors.length - 1) * PAGE_SIZE;
  replace(status, n === 0 ? t('manage.list.empty') : t('manage.list.showing', { from: from + 1, to: from + n }));
  replace($('invite-list'), page.invites.map(inviteItem));
  $('prev-page').disabled = cursors.length <= 1;
  $('next-page').disabled = !nextCursor;
  document.querySelector('.pager').hidden = cursors.length <= 1 && !nextCursor; // one page: no paging controls
  if (focusList) $('invites-heading').focus();
}

const STATUSES = ['PENDING', 'REDEEMED', 'REVOKED', 'EXPIRED'];

/** @param {import('./room-invites.js').EmailDelivery|null|undefined} d */
function emailState(d) {
  if (!d || d.status === 'NOT_REQUESTED') return t('manage.emailState.NOT_REQUESTED');
  if (d.lastEvent === 'BOUNCED') {
    const why = d.lastEventDetail || d.bounceReason || d.reason || d.error;
    return t('manage.emailState.BOUNCED', { reason: why || t('manage.emailState.bouncedReason') });
  }
  if (['DELIVERED', 'COMPLAINED', 'DELAYED'].includes(d.lastEvent)) return t(`manage.emailState.${d.lastEvent}`);
  if (d.status === 'FAILED') return t('manage.emailState.FAILED', { reason: d.error || t('manage.unknownReason') });
  return ['SENT', 'QUEUED'].includes(d.status) ? t(`manage.emailState.${d.status}`) : String(d.status).toLowerCase();
}

/** @param {import('./room-invites.js').Invite} inv */
function inviteItem(inv) {
  const id = inv.inviteId;
  const rowStatus = h('p', { class: 'small row-status', role: 'status', id: `status-${id}` });
  const live = inv.status === 'PENDING' || inv.status === 'REDEEMED';
  // each fact: its key (data-fact, what tests and scripts read), its label and its value in the screens' language
  const facts = [
    ['Role', roleLabel(inv.role)],
    ['Status', STATUSES.includes(inv.status) ? t(`manage.status.${inv.status}`) : inv.status],
    inv.locale ? ['Language', languageName(inv.locale)] : null,
    ['Created', localTime(inv.createdAt)],
    ['Expires', localTime(inv.expiresAt)],
    inv.redeemedAt ? ['Redeemed', localTime(inv.redeemedAt)] : null,
    inv.revokedAt ? ['Revoked', localTime(inv.revokedAt)] : null,
    ['Email', emailState(inv.emailDelivery)],
    typeof inv.failedEmailAttempts === 'number' || inv.locked
      ? ['Lobby', inv.locked ? t('manage.fact.lobbyLocked', { count: inv.failedEmailAttempts ?? options?.lobbyAttempts ?? 5 })
        : options?.lobbyAttempts ? t('manage.fact.lobbyUsedOf', { count: inv.failedEmailAttempts, of: options.lobbyAttempts })
          : t('manage.fact.lobbyUsed', { count: inv.failedEmailAttempts })]
      : null,
    Array.isArray(inv.devices) ? ['Devices', t('manage.fact.devices', { count: inv.devices.length, of: inv.maxDevices ?? 1 })
      + (inv.devices.length ? ' ' + t('manage.fact.devicesSince', { time: localTime(inv.devices[inv.devices.length - 1].boundAt) }) : '')] : null,
    typeof inv.linkVersion === 'number' && inv.linkVersion > 1 ? ['Link', t('manage.fact.reissued', { version: inv.linkVersion })] : null,
  ].filter(Boolean);

  const actions = h('div', { class: 'actions' });
  const item = h('li', { class: `invite status-${inv.status.toLowerCase()}`, 'data-invite-id': id, 'aria-labelledby': `name-${id}` },
    // an erased invitee (a data-protection erasure) has no name or email left to show
    h('h3', { id: `name-${id}` }, inv.erased ? t('manage.erased.name') : `${inv.firstName} ${inv.lastName}`),
    h('p', { class: 'muted small' }, inv.erased ? t('manage.erased.text') : inv.email),
    h('dl', { class: 'facts compact' }, facts.map(([k, v]) => [h('dt', null, t(`manage.fact.${k}`)), h('dd', { 'data-fact': k }, v)])),
    actions, rowStatus);

  const act = async (action, call, after) => {
    const label = t(`manage.action.${action}`);
    replace(rowStatus, t('manage.action.working', { action: label }));
    try {
      const r = await call();
      if (after) after(r);
      await loadInvites();
      const again = document.getElementById(`status-${id}`);
      if (again) replace(again, t('manage.action.done', { action: label }));
    } catch (e) {
      if (e.code === 'SESSION_ENDED') { endSession(); return; } // the list is shown again, without actions
      const x = notOffered(e) ? { title: t('error.ROUTE_NOT_FOUND.title'), remedy: '' } : explain(e);
      replace(rowStatus, h('span', { class: 'error-title' }, x.title), ' ', x.remedy);
    }
  };

  if (live && !sessionEnded) {
    const higher = ROLES.filter((r) => ROLES.findIndex((x) => x.id === r.id) > ROLES.findIndex((x) => x.id === inv.role));
    if (higher.length) {
      const newRole = t('manage.promote.newRole', { name: `${inv.firstName} ${inv.lastName}` });
      const select = h('select', { id: `promote-${id}`, 'aria-label': newRole },
        higher.map((r) => h('option', { value: r.id }, roleLabel(r.id))));
      actions.append(h('span', { class: 'promote' },
        h('label', { for: `promote-${id}`, class: 'visually-hidden' }, newRole),
        select,
        h('button', { type: 'button', onclick: () => act('promote', () => api.promoteInvite(roomId, id, select.value)) },
          t('manage.promote.button'))));
    }
    const revoke = h('button', { type: 'button', class: 'danger' }, t('manage.revoke.button'));
    revoke.addEventListener('click', () => {
      const cancel = () => { confirm.replaceWith(revoke); revoke.focus(); };
      // named by its question; the focus goes to Cancel, so that a second Enter (or Escape) changes nothing
      const confirm = h('span', { class: 'confirm', role: 'group', 'aria-labelledby': `confirm-${id}`,
        onkeydown: (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); cancel(); } } },
        h('span', { id: `confirm-${id}` }, t('manage.revoke.confirm', { name: inv.firstName })),
        h('button', { type: 'button', class: 'danger', onclick: () => act('revoke', () => api.revokeInvite(roomId, id)) }, t('manage.revoke.yes')),
        h('button', { type: 'button', class: 'cancel', onclick: cancel }, t('manage.revoke.cancel')));
      revoke.replaceWith(confirm);
      confirm.querySelector('button.cancel').focus();
    });
    actions.append(revoke);
    const emailed = inv.emailDelivery && inv.emailDelivery.status !== 'NOT_REQUESTED';
    // resending needs the site's email template (the same condition as "Send link via email")
    if (emailed && inv.status === 'PENDING' && !inv.locked && options && options.sendEmailAvailable) {
      actions.append(h('button', { type: 'button', onclick: () => act('resend', () => api.resendInvite(roomId, id)) }, t('manage.email.resend')));
    }
    // v2 actions, offered when the server describes invites with v2 fields
    const v2 = typeof inv.linkVersion === 'number';
    if (v2 && inv.status === 'PENDING' && !(inv.devices && inv.devices.length)) {
      actions.append(h('button', { type: 'button', onclick: () => act('reissue',
        () => api.reissueInvite(roomId, id, {}),
        (r) => showResult(r, t('manage.result.newLinkTitle', { name: `${r.invite.firstName} ${r.invite.lastName}` }))) }, t('manage.reissue.button')));
    }
    if (Array.isArray(inv.devices) && inv.devices.length) {
      actions.append(h('button', { type: 'button', onclick: () => act('release', () => api.releaseDevice(roomId, id)) }, t('manage.release.button')));
    }
  }
  if (typeof inv.linkVersion === 'number') {
    const panel = h('div', { class: 'history', id: `history-${id}`, hidden: true });
    const toggle = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': `history-${id}` }, t('manage.history.button'));
    toggle.addEventListener('click', async () => {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      panel.hidden = open;
      if (open) return;
      replace(panel, t('manage.history.loading'));
      try {
        const r = await api.inviteHistory(roomId, id);
        replace(panel, r.events.length ? h('ol', null, r.events.map((ev) => h('li', null,
          h('time', { datetime: ev.at }, localTime(ev.at)), ' ', has(`event.${ev.type}`) ? t(`event.${ev.type}`) : ev.type,
          ev.actor && ev.actor.emailMasked ? ' ' + t('manage.history.by', { actor: ev.actor.emailMasked }) : ''))) : t('manage.history.empty'));
      } catch (e) {
        replace(panel, notOffered(e) ? t('manage.history.notOffered') : `${explain(e).title} ${explain(e).remedy}`);
      }
    });
    actions.append(toggle);
    item.append(panel);
  }
  return item;
}

// ------------------------------------------------------------------ (v3) guest links

/** Why someone asks to be let in, and a guest link's status: in the catalogs, by these codes. */
const REASONS = ['LINK_EXPIRED', 'LINK_ALREADY_USED', 'INVITE_LOCKED', 'LINK_REPLACED', 'GUEST_LINK_EXHAUSTED'];
const GUEST_STATUSES = ['ACTIVE', 'EXHAUSTED', 'EXPIRED', 'REVOKED'];

function setUpGuestLinks() {
  $('guest-links').hidden = false;
  const form = $('guest-link-form');
  if (!options.canInvite || sessionEnded) {
    form.hidden = true;
  } else {
    form.addEventListener('submit', (ev) => { ev.preventDefault(); createGuestLink(); });
  }
  loadGuestLinks();
}

async function createGuestLink() {
  ['guest-label', 'guest-max-uses', 'guest-days'].forEach((id) => { $(id).removeAttribute('aria-invalid'); replace($(`${id}-error`), ''); });
  replace($('guest-form-error'), '');
  const label = $('guest-label').value.trim();
  const maxUses = $('guest-max-uses').value.trim();
  const days = $('guest-days').value.trim();
  const problems = [];
  if (!label) problems.push(['guest-label', t('manage.guest.noLabel')]);
  if (maxUses && !(/^\d+$/.test(maxUses) && +maxUses >= 1 && +maxUses <= 10000)) problems.push(['guest-max-uses', t('manage.guest.badMaxUses', { max: 10000 })]);
  if (days && !(/^\d+$/.test(days) && +days >= 1 && +days <= 365)) problems.push(['guest-days', t('manage.guest.badDays', { max: 365 })]);
  if (problems.length) {
    problems.forEach(([id, text]) => { $(id).setAttribute('aria-invalid', 'true'); replace($(`${id}-error`), text); });
    $(problems[0][0]).focus();
    return;
  }
  const body = { label };
  if (maxUses) body.maxUses = +maxUses;
  if (days) body.expiresAt = new Date(Date.now() + +days * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const button = $('guest-create');
  button.disabled = true;
  try {
    const r = await api.createGuestLink(roomId, body);
    $('guest-link-form').reset();
    await loadGuestLinks();
    const status = document.getElementById(`guest-status-${r.guestLink.guestLinkId}`);
    if (status) replace(status, t('manage.guest.created'));
  } catch (e) {
    if (e.code === 'INVALID_REQUEST' && e.fields) {
      const ids = { label: 'guest-label', maxUses: 'guest-max-uses', expiresAt: 'guest-days' };
      e.fields.forEach((f) => { if (ids[f.field]) replace($(`${ids[f.field]}-error`), t('manage.guest.fieldProblem', { problem: f.problem })); });
    }
    replace($('guest-form-error'), h('div', { class: 'box error' }, errorContent(e)));
  } finally {
    button.disabled = false;
  }
}

async function loadGuestLinks() {
  const status = $('guest-links-status');
  let r;
  try {
    r = await api.listGuestLinks(roomId);
  } catch (e) {
    replace(status, notOffered(e) ? t('manage.guest.notOffered') : `${explain(e).title} ${explain(e).remedy}`);
    return;
  }
  const active = r.guestLinks.filter((l) => l.status === 'ACTIVE' || l.status === 'EXHAUSTED').length;
  replace(status, r.guestLinks.length === 0 ? t('manage.guest.none') : t('manage.guest.active', { count: active }));
  replace($('guest-link-list'), r.guestLinks.map(guestLinkItem));
}

function guestLinkItem(l) {
  const id = l.guestLinkId;
  const rowStatus = h('p', { class: 'small row-status', role: 'status', id: `guest-status-${id}` });
  const uses = l.maxUses == null ? t('manage.guest.usesNoLimit', { count: l.uses })
    : t('manage.guest.uses', { count: l.uses, max: l.maxUses, left: l.usesLeft });
  // each fact: its key (data-fact) and its value; the label is the catalog's
  const facts = [
    ['Status', GUEST_STATUSES.includes(l.status) ? t(`manage.guest.status.${l.status}`) : l.status],
    ['Uses', uses],
    ['Until', localTime(l.expiresAt)],
    ['Created', localTime(l.createdAt)],
    l.revokedAt ? ['Revoked', localTime(l.revokedAt)] : null,
  ].filter(Boolean);
  const item = h('li', { class: `invite guest-link status-${l.status.toLowerCase()}`, 'data-guest-link-id': id, 'aria-labelledby': `guest-name-${id}` },
    h('h3', { id: `guest-name-${id}`, dir: 'auto' }, l.label),
    h('dl', { class: 'facts compact' }, facts.map(([k, v]) => [h('dt', null, t(`manage.fact.${k}`)), h('dd', { 'data-fact': k }, v)])));
  if (l.link) {
    const input = h('input', { id: `guest-url-${id}`, type: 'text', readOnly: true, value: l.link, dir: 'ltr' });
    const copy = h('button', { type: 'button', class: 'primary', id: `guest-copy-${id}` }, t('manage.result.copy'));
    copy.addEventListener('click', () => copyLink(input, rowStatus));
    item.append(h('label', { for: `guest-url-${id}` }, t('manage.guest.linkLabel', { label: l.label })), h('div', { class: 'copyrow' }, input, copy));
  }
  const actions = h('div', { class: 'actions' });
  if ((l.status === 'ACTIVE' || l.status === 'EXHAUSTED') && !sessionEnded) {
    const revoke = h('button', { type: 'button', class: 'danger', id: `guest-revoke-${id}` }, t('manage.revoke.button'));
    revoke.addEventListener('click', () => {
      const cancel = () => { confirm.replaceWith(revoke); revoke.focus(); };
      const confirm = h('span', { class: 'confirm', role: 'group', 'aria-labelledby': `guest-confirm-${id}`,
        onkeydown: (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); cancel(); } } },
        h('span', { id: `guest-confirm-${id}` }, t('manage.guest.revokeConfirm', { label: l.label })),
        h('button', { type: 'button', class: 'danger', id: `guest-revoke-yes-${id}`, onclick: async () => {
          replace(rowStatus, t('manage.action.working', { action: t('manage.action.revoke') }));
          try {
            await api.revokeGuestLink(roomId, id);
            await loadGuestLinks();
            const again = document.getElementById(`guest-status-${id}`);
            if (again) replace(again, t('manage.guest.revoked'));
          } catch (e) {
            replace(rowStatus, h('span', { class: 'error-title' }, explain(e).title), ' ', explain(e).remedy);
          }
        } }, t('manage.revoke.yes')),
        h('button', { type: 'button', class: 'cancel', onclick: cancel }, t('manage.revoke.cancel')));
      revoke.replaceWith(confirm);
      confirm.querySelector('button.cancel').focus();
    });
    actions.append(revoke);
  }
  item.append(actions, rowStatus);
  return item;
}

// ------------------------------------------------------------------ (v3) requests to join

const JOIN_REFRESH_MS = 5000; // the list is read again this often while the page is visible
let joinCursor = null;
let joinShown = 10;

function setUpJoinRequests() {
  $('join-requests').hidden = false;
  $('join-requests-more').addEventListener('click', () => { joinShown += 10; loadJoinRequests(); });
  loadJoinRequests();
  setInterval(() => { if (!document.hidden && !busyJoin) loadJoinRequests(); }, JOIN_REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden && !busyJoin) loadJoinRequests(); });
}

let busyJoin = false; // an admit or decline under way: the list waits, so that the row being answered stays put

async function loadJoinRequests() {
  const status = $('join-requests-status');
  let r;
  try {
    r = await api.listJoinRequests(roomId, { status: 'PENDING', limit: Math.min(100, joinShown) });
  } catch (e) {
    replace(status, notOffered(e) ? t('manage.join.notOffered') : `${explain(e).title} ${explain(e).remedy}`);
    return;
  }
  joinCursor = r.nextCursor;
  const n = r.joinRequests.length;
  const list = $('join-request-list');
  // keep what a manager is doing: only rows that changed are replaced
  const ids = r.joinRequests.map((j) => j.joinRequestId).join(',');
  if (list.dataset.ids !== ids) {
    list.dataset.ids = ids;
    replace(list, r.joinRequests.map(joinRequestItem));
  }
  replace(status, n === 0 ? t('manage.join.none') : t('manage.join.waiting', { count: n }));
  $('join-requests-more').hidden = !joinCursor;
}

function joinRequestItem(j) {
  const id = j.joinRequestId;
  const rowStatus = h('p', { class: 'small row-status', role: 'status', id: `join-status-${id}` });
  const who = j.firstName ? `${j.firstName} (${j.email})` : j.email;
  const item = h('li', { class: 'invite join-request', 'data-join-request-id': id, 'aria-labelledby': `join-name-${id}` },
    h('h3', { id: `join-name-${id}` }, who),
    h('dl', { class: 'facts compact' },
      h('dt', null, t('manage.fact.Why')), h('dd', { 'data-fact': 'Why' }, REASONS.includes(j.reason) ? t(`manage.join.reason.${j.reason}`) : j.reason),
      h('dt', null, t('manage.fact.Asked')), h('dd', null, localTime(j.at)),
      j.message ? [h('dt', null, t('manage.fact.Message')), h('dd', { 'data-fact': 'Message', dir: 'auto' }, j.message)] : null));
  if (!sessionEnded) {
    const roleFor = t('manage.join.roleFor', { email: j.email });
    const role = h('select', { id: `join-role-${id}`, 'aria-label': roleFor },
      ROLES.map((r) => h('option', { value: r.id }, roleLabel(r.id))));
    const send = options && options.sendEmailAvailable
      ? h('span', { class: 'check' }, h('input', { type: 'checkbox', id: `join-email-${id}` }),
        h('label', { for: `join-email-${id}` }, t('manage.join.emailLink'))) : null;
    const answer = async (action, call, after) => {
      busyJoin = true;
      replace(rowStatus, t('manage.action.working', { action: t(`manage.action.${action}`) }));
      try {
        const r = await call();
        if (after) after(r);
        $('join-request-list').dataset.ids = '';
        await loadJoinRequests();
        await loadInvites();
      } catch (e) {
        replace(rowStatus, h('span', { class: 'error-title' }, explain(e).title), ' ', explain(e).remedy);
      } finally {
        busyJoin = false;
      }
    };
    item.append(h('div', { class: 'actions' },
      h('label', { for: `join-role-${id}`, class: 'visually-hidden' }, roleFor), role, send,
      h('button', { type: 'button', class: 'primary', id: `join-admit-${id}`, onclick: () => answer('admit',
        () => api.admitJoinRequest(roomId, id, { role: role.value, sendEmail: !!(send && send.querySelector('input').checked) }),
        (r) => showResult(r, t('manage.join.admitted', { email: r.invite.email }))) }, t('manage.join.admit')),
      h('button', { type: 'button', class: 'danger', id: `join-decline-${id}`, onclick: () => answer('decline',
        () => api.declineJoinRequest(roomId, id)) }, t('manage.join.decline'))));
  }
  item.append(rowStatus);
  return item;
}

init();
