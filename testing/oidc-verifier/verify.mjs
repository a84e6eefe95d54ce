// Verifies an access token as an independent relying party would, knowing only the issuer URL:
// OpenID Connect discovery ({issuer}/.well-known/openid-configuration), then its jwks_uri, then panva/jose's
// jwtVerify with iss, aud and exp checked.
//
//   node verify.mjs <issuer URL> <audience> <token> [<verification time, epoch seconds>]
//
// Prints one JSON line: {"ok":true,"discovery":{...},"header":{...},"payload":{...}} and exits 0, or
// {"ok":false,"step":"discovery|verify","code":"ERR_...","message":"..."} and exits 1.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [issuer, audience, token, at] = process.argv.slice(2);
if (!issuer || !audience || !token) {
  console.error('usage: node verify.mjs <issuer URL> <audience> <token> [<epoch seconds>]');
  process.exit(2);
}

function fail(step, code, message) {
  console.log(JSON.stringify({ ok: false, step, code, message }));
  process.exit(1);
}

let discovery;
try {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
  if (res.status !== 200) {
    fail('discovery', 'HTTP_' + res.status, await res.text());
  }
  discovery = await res.json();
} catch (e) {
  fail('discovery', e.code ?? 'FETCH_FAILED', String(e.message ?? e));
}
// OpenID Connect Discovery 1.0, 4.3: the issuer in the document must be exactly the one it was fetched for
if (discovery.issuer !== issuer) {
  fail('discovery', 'ISSUER_MISMATCH', `document issuer ${discovery.issuer} is not ${issuer}`);
}
if (typeof discovery.jwks_uri !== 'string') {
  fail('discovery', 'NO_JWKS_URI', 'the document has no jwks_uri');
}

try {
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
  const options = {
    issuer,
    audience,
    algorithms: discovery.id_token_signing_alg_values_supported,
    requiredClaims: ['exp', 'sub'],
  };
  if (at) {
    options.currentDate = new Date(Number(at) * 1000);
  }
  const { payload, protectedHeader } = await jwtVerify(token, jwks, options);
  console.log(JSON.stringify({ ok: true, discovery, header: protectedHeader, payload }));
} catch (e) {
  fail('verify', e.code ?? 'ERROR', String(e.message ?? e));
}
