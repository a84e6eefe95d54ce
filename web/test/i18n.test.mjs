// The screens' catalogs (web/i18n/*.js) and the check that nothing visible bypasses them. Run by node's test runner
// (`node --test web/test/`, part of mvn verify through local/pom.xml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..');
const LANGUAGES = ['en', 'es', 'de', 'ar'];
const catalogs = Object.fromEntries(await Promise.all(LANGUAGES.map(async (l) => [l, (await import(`../i18n/${l}.js`)).default])));
const en = catalogs.en;

const placeholders = (s) => new Set([...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
/** The plural categories a language uses for the whole numbers a screen shows (0..200). */
const categories = (l) => new Set(Array.from({ length: 201 }, (_, i) => new Intl.PluralRules(l).select(i)));

test('every catalog has exactly the keys of every other', () => {
  for (const l of LANGUAGES) {
    assert.deepEqual(Object.keys(catalogs[l]).sort(), Object.keys(en).sort(), `${l}.js: missing or extra keys`);
  }
  // the file list matches the languages the screens offer
  assert.deepEqual(readdirSync(join(WEB, 'i18n')).sort(), LANGUAGES.map((l) => `${l}.js`).sort());
});

test('translations keep the placeholders, and plurals have every form their language needs', () => {
  for (const l of LANGUAGES) {
    for (const [key, english] of Object.entries(en)) {
      const v = catalogs[l][key];
      if (typeof english === 'object') {
        assert.equal(typeof v, 'object', `${l} ${key}: a plural in English is a plural here too`);
        for (const c of categories(l)) assert.ok(typeof v[c] === 'string' && v[c].trim(), `${l} ${key}: the "${c}" form`);
        const wanted = placeholders(Object.values(english).join(' '));
        for (const form of Object.values(v)) {
          for (const p of placeholders(form)) assert.ok(wanted.has(p), `${l} ${key}: unknown placeholder {${p}}`);
        }
        assert.ok(categories(l).size === 1 || Object.values(v).some((f) => placeholders(f).has('count')) || !wanted.has('count'),
          `${l} ${key}: the number is said somewhere`);
      } else {
        assert.equal(typeof v, 'string', `${l} ${key}`);
        assert.ok(v.trim() || !english.trim(), `${l} ${key}: empty`);
        assert.deepEqual(placeholders(v), placeholders(english), `${l} ${key}: the same placeholders as English`);
      }
    }
  }
});

test('the translations are translated (a text equal to English is a name, a code or a placeholder-only pattern)', () => {
  const sameEverywhere = /^(\{\w+\}[\s–:(),.…]*)+$|^(Outlook|Chat|Backchannel|Moderator|Link|Status|Google Calendar)$/;
  for (const l of LANGUAGES.slice(1)) {
    for (const [key, english] of Object.entries(en)) {
      if (typeof english !== 'string' || key.startsWith('unit.')) continue;
      if (catalogs[l][key] === english) assert.match(english, sameEverywhere, `${l} ${key} is still English`);
    }
  }
});

// ------------------------------------------------------------------ nothing visible bypasses the catalogs

/** The string literals of a JS file (each template literal's fixed parts), with what precedes each, comments skipped. */
function literals(src) {
  const out = [];
  let i = 0;
  let last = ''; // the last significant character, to tell a regular expression from a division
  const readQuoted = (q) => {
    let s = '';
    i++;
    while (i < src.length && src[i] !== q) {
      if (src[i] === '\\') { s += src[i + 1]; i += 2; continue; }
      s += src[i++];
    }
    i++;
    return s;
  };
  const before = (at) => src.slice(Math.max(0, at - 24), at);
  const template = () => {
    const at = i;
    i++;
    let part = '';
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') { part += src[i + 1]; i += 2; continue; }
      if (src[i] === '$' && src[i + 1] === '{') {
        out.push({ text: part, before: before(at) });
        part = '';
        i += 2;
        let depth = 1;
        while (i < src.length && depth > 0) {
          const c = src[i];
          if (c === "'" || c === '"') { out.push({ text: readQuoted(c), before: before(i) }); continue; }
          if (c === '`') { template(); continue; }
          if (c === '{') depth++;
          if (c === '}') depth--;
          i++;
        }
        continue;
      }
      part += src[i++];
    }
    i++;
    out.push({ text: part, before: before(at) });
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') { i = src.indexOf('*/', i + 2) + 2; continue; }
    if (c === '/' && (last === '' || '(,=:[!&|?{};'.includes(last))) { // a regular expression
      i++;
      let inClass = false;
      while (i < src.length && (src[i] !== '/' || inClass)) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      i++;
      last = ')';
      continue;
    }
    if (c === "'" || c === '"') { const at = i; out.push({ text: readQuoted(c), before: before(at) }); last = ')'; continue; }
    if (c === '`') { template(); last = ')'; continue; }
    if (!/\s/.test(c)) last = c;
    i++;
  }
  return out;
}

/** Words a person reads: two words, or one capitalised word (with its full stop or ellipsis). */
const prose = (s) => /\p{L}{2,}\s+\p{L}{2,}/u.test(s) || /^\s*\p{Lu}\p{Ll}+[.…!?:]?\s*$/u.test(s);

/** Literals that look like words but are never shown, by file, each with why. */
const NOT_SHOWN = {
  'manage.js': {
    Enter: 'a keyboard key name (KeyboardEvent.key)',
    Escape: 'a keyboard key name (KeyboardEvent.key)',
    Role: 'a fact key (data-fact); its label is t("manage.fact.Role")',
    Status: 'a fact key (data-fact)',
    Language: 'a fact key (data-fact)',
    Created: 'a fact key (data-fact)',
    Expires: 'a fact key (data-fact)',
    Redeemed: 'a fact key (data-fact)',
    Revoked: 'a fact key (data-fact)',
    Email: 'a fact key (data-fact)',
    Lobby: 'a fact key (data-fact)',
    Devices: 'a fact key (data-fact)',
    Link: 'a fact key (data-fact)',
    Uses: 'a fact key (data-fact)',
    Until: 'a fact key (data-fact)',
    Why: 'a fact key (data-fact)',
    Message: 'a fact key (data-fact)',
  },
  'join.js': {},
  'ui.js': {},
  'i18n.js': {},
  'site.js': {},
};

test('no visible string in the screens\' scripts bypasses the catalogs', () => {
  const problems = [];
  const keysUsed = new Set();
  for (const file of Object.keys(NOT_SHOWN)) {
    const src = readFileSync(join(WEB, file), 'utf8');
    for (const { text, before } of literals(src)) {
      if (/(?<![.\w])(t|has)\(\s*$/.test(before)) { // a catalog key (of a key built from a value, its fixed start)
        if (text && !text.startsWith('.')) keysUsed.add(text);
        continue;
      }
      if (/console\.\w+\(\s*$/.test(before) || /import\(?\s*$|from\s*$/.test(before)) continue;
      // the value of an attribute no one reads as text (a class, a rel, the ids an aria-describedby names)
      if (/(?:^|[{,\s])'?(class|rel|id|for|type|role|name|autocomplete|inputmode|target|aria-describedby|aria-labelledby|aria-controls|aria-live)'?\s*:\s*$/.test(before)) continue;
      if (prose(text) && !(text.trim() in NOT_SHOWN[file])) problems.push(`${file}: ${JSON.stringify(text)}`);
    }
  }
  assert.deepEqual(problems, [], 'text written in a script instead of the catalogs');
  // a whole key, or the fixed start of a key built from a value (t(`role.${id}`))
  for (const key of keysUsed) assert.ok(key in en || Object.keys(en).some((k) => k.startsWith(key) && key.endsWith('.')), `t('${key}') has no English text`);
});

test('no visible text in the screens\' pages bypasses the catalogs', () => {
  const problems = [];
  for (const page of ['join.html', 'manage.html']) {
    let html = readFileSync(join(WEB, page), 'utf8');
    // not shown once the page runs (noscript), or not language (comments, code samples)
    html = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<noscript>[\s\S]*?<\/noscript>/g, '').replace(/<code[^>]*>[\s\S]*?<\/code>/g, '');
    // every element whose own text is words: it carries data-i18n, and its text is the English one (the page before the script runs)
    for (const m of html.matchAll(/<(\w+)([^>]*)>([^<]*)/g)) {
      const [, tag, attrs, text] = m;
      if (['script', 'style'].includes(tag) || !/\p{L}{2,}/u.test(text)) continue;
      const key = /data-i18n="([^"]+)"/.exec(attrs);
      if (!key) problems.push(`${page}: <${tag}${attrs}>${text.trim()}`);
      else assert.equal(en[key[1]], text.trim(), `${page}: the text of ${key[1]} is the English catalog's`);
    }
    for (const m of html.matchAll(/\s(aria-label|title|placeholder)="([^"]*\p{L}[^"]*)"([^>]*)/gu)) {
      if (!m[0].includes(`data-i18n-${m[1]}=`) && !/data-i18n-/.test(m[3])) problems.push(`${page}: ${m[1]}="${m[2]}"`);
    }
  }
  assert.deepEqual(problems, [], 'text written in a page instead of the catalogs');
});

test('the checks themselves see a bypass (they are not vacuous)', () => {
  const found = literals("h('p', null, 'Hello there'); t('join.opening'); const r = /'not a string'/g; // 'a comment'\n`Hi ${x} you`");
  assert.deepEqual(found.map((l) => l.text), ['p', 'Hello there', 'join.opening', 'Hi ', ' you']);
  assert.ok(prose('Hello there') && prose('Revoke') && prose('Loading…') && !prose('role-') && !prose('button') && !prose('aria-label'));
});
