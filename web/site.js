// site.js: what the embedding site provides to the two screens: where the API is and who is signed in.
// A site that adopts the screens replaces this one file (or passes its own values to RoomInvitesClient).
//
// Here, for the local runner: the API base URL comes from <meta name="room-invites-api" content="...">
// (empty: the page's own origin), and "signed in" is a token from the runner's local identity provider
// (POST /dev/token, from the start page), kept in this origin's localStorage.

import { RoomInvitesClient } from './room-invites.js';
import { language } from './i18n.js';

const SIGN_IN_KEY = 'roomInvites.signIn';

/** @returns {string} */
export function apiBaseUrl() {
  const meta = document.querySelector('meta[name="room-invites-api"]');
  return (meta && meta.getAttribute('content')) || '';
}

/** @returns {{token: string, email: string, name?: string}|null} */
export function signedIn() {
  try {
    const v = JSON.parse(localStorage.getItem(SIGN_IN_KEY) || 'null');
    return v && typeof v.token === 'string' && typeof v.email === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** @param {{token: string, email: string, name?: string}} who */
export function signIn(who) {
  localStorage.setItem(SIGN_IN_KEY, JSON.stringify(who));
}

export function signOut() {
  localStorage.removeItem(SIGN_IN_KEY);
}

/** The site's hook: the signed-in user's bearer token, or null. */
export function getBearerToken() {
  const who = signedIn();
  return who ? who.token : null;
}

/** The client both screens use. */
export function client() {
  return new RoomInvitesClient({ baseUrl: apiBaseUrl(), getBearerToken, getLanguage: language });
}
