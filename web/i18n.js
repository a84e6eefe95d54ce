// i18n.js: the screens' words in the visitor's language. One catalog a language (web/i18n/{en,es,de,ar}.js, plain
// ES modules: no build step); English is loaded with the page, the others when asked for. Plurals go through
// Intl.PluralRules, numbers through Intl.NumberFormat, dates and times through Intl.DateTimeFormat, language names
// through Intl.DisplayNames: nothing of a language's grammar is written here by hand.

import en from './i18n/en.js';

/** The languages the screens speak, English first (the fallback). */
export const LANGUAGES = ['en', 'es', 'de', 'ar'];
const RTL = new Set(['ar']);
/** @type {Record<string, Record<string, any>>} */
const catalogs = { en };
let lang = 'en';

/** The language the screens speak now. */
export function language() {
  return lang;
}

/** The catalog language for a BCP 47 tag ("de-CH" → "de"), or null when there is none for it. */
export function supported(tag) {
  if (!tag) return null;
  const base = String(tag).toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.includes(base) ? base : null;
}

/** The first of the browser's languages the screens speak (English when none). */
export function browserLanguage() {
  const asked = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language];
  for (const tag of asked) {
    const l = supported(tag);
    if (l) return l;
  }
  return 'en';
}

/**
 * Switches the screens to a language (loading its catalog once); sets the document's lang and dir (right to left
 * for Arabic). Answers the language now in force.
 * @param {string} tag
 */
export async function setLanguage(tag) {
  const l = supported(tag) || 'en';
  if (!catalogs[l]) {
    try {
      catalogs[l] = (await import(`./i18n/${l}.js`)).default;
    } catch {
      return lang; // the catalog could not be loaded: stay in the language the page already speaks
    }
  }
  lang = l;
  document.documentElement.lang = l;
  document.documentElement.dir = RTL.has(l) ? 'rtl' : 'ltr';
  return l;
}

/**
 * The text of `key` in the current language (English where the catalog lacks it), with `{name}` placeholders
 * filled from `params` (numbers formatted for the language). A plural entry ({one, other, ...}) is chosen by
 * `params.count` with Intl.PluralRules.
 * @param {string} key @param {Record<string, any>} [params] @returns {string}
 */
export function t(key, params = {}) {
  let v = catalogs[lang][key];
  if (v === undefined) v = en[key];
  if (v === undefined) {
    console.error(`i18n: no text for ${key}`);
    return key;
  }
  if (typeof v === 'object') {
    const n = Number(params.count);
    v = v[new Intl.PluralRules(lang).select(n)] ?? v.other;
  }
  return v.replace(/\{(\w+)\}/g, (all, name) => {
    const p = params[name];
    if (p === undefined || p === null) return all;
    return typeof p === 'number' ? number(p) : String(p);
  });
}

/** Whether the catalogs have a text for `key`. @param {string} key */
export function has(key) {
  return catalogs[lang][key] !== undefined || en[key] !== undefined;
}

/** A number in the language's digits. @param {number} n @param {Intl.NumberFormatOptions} [options] */
export function number(n, options) {
  return new Intl.NumberFormat(lang, options).format(n);
}

/** A list of words joined as the language joins them ("a, b and c"). @param {string[]} items */
export function list(items) {
  return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(items);
}

/** A language's own name ("Deutsch", "العربية"), as a label. @param {string} tag */
export function languageName(tag) {
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag) || tag;
    return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
  } catch {
    return tag;
  }
}

/**
 * A date and time for the viewer, in the current language: in the viewer's own zone, or in `timeZone` (an IANA
 * name), with that zone named (`zoneName`: 'short' "EST", 'long' "Japan Standard Time").
 * @param {string} iso @param {{timeZone?: string, zoneName?: 'short'|'long'}} [options]
 */
export function dateTime(iso, { timeZone, zoneName = 'short' } = {}) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(lang, {
      weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
      timeZoneName: zoneName, ...(timeZone ? { timeZone } : {}),
    }).format(d);
  } catch {
    return d.toISOString(); // a zone this browser does not know
  }
}

/** Fills the elements that carry data-i18n (their text) and data-i18n-{attr} (an attribute) under `root`. */
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n'));
  for (const attr of ['aria-label', 'title', 'placeholder']) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`)));
  }
  const title = document.querySelector('title[data-i18n]');
  if (title) document.title = t(title.getAttribute('data-i18n'));
}
