package io.roominvites.tokens;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyRingTest {

    @Test
    void generateHasOneActivePrivateP256Key() {
        KeyRing ring = KeyRing.generate("k1");
        assertEquals("k1", ring.activeKid());
        assertEquals("k1", ring.activeKey().getKeyID());
        assertEquals(Curve.P_256, ring.activeKey().getCurve());
        assertTrue(ring.activeKey().isPrivate());
        assertTrue(ring.key("k1").isPresent());
        assertTrue(ring.key("nope").isEmpty());
        assertTrue(ring.key(null).isEmpty());
    }

    @Test
    void linkKeyIsHkdfOfThePrivateScalarAndStable() throws Exception {
        // RFC 7515 A.3's P-256 key. Expected value computed independently (Python hmac/hashlib, RFC 5869 HKDF-SHA256,
        // salt "room-invites/key-ring/v1", info "invite-link-token HS256", 32 bytes). Changing the derivation would
        // invalidate every link already sent: this pins it.
        ECKey key = ECKey.parse("{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"a3\","
                + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\","
                + "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X9fCE9-E9LI\"}");
        assertEquals("e64c3e01ca670e4a3fb4a9fed577dafe1de1649a0cf4840f4e569814ced5b2db",
                java.util.HexFormat.of().formatHex(KeyRing.linkKey(key)));
        // every key has its own link key
        KeyRing ring = KeyRing.generate("k1").rotate("k2");
        assertFalse(java.util.Arrays.equals(KeyRing.linkKey(ring.key("k1").orElseThrow()),
                KeyRing.linkKey(ring.key("k2").orElseThrow())));
    }

    @Test
    void jsonRoundTripKeepsKeysAndActiveKid() throws Exception {
        KeyRing ring = KeyRing.generate("k1").rotate("k2");
        String json = ring.toJson();
        Map<String, Object> parsed = JSONObjectUtils.parse(json);
        assertEquals("k2", parsed.get("activeKid"));
        assertEquals(2, ((List<?>) parsed.get("keys")).size());

        KeyRing back = KeyRing.fromJson(json);
        assertEquals("k2", back.activeKid());
        assertEquals(ring.activeKey(), back.activeKey());
        assertEquals(ring.key("k1").orElseThrow(), back.key("k1").orElseThrow());
        assertEquals(json, back.toJson());
        assertEquals(ring.publicJwksJson(), back.publicJwksJson());
    }

    @Test
    void fromJsonAcceptsKeysWithoutUseOrAlg() throws Exception {
        ECKey bare = new ECKeyGenerator(Curve.P_256).keyID("b1").generate();
        KeyRing ring = KeyRing.fromJson("{\"activeKid\":\"b1\",\"keys\":[" + bare.toJSONString() + "]}");
        assertEquals("b1", ring.activeKid());
        // the public JWKS still says use sig, alg ES256
        Map<String, Object> jwk = JWKSet.parse(ring.publicJwksJson()).getKeys().get(0).toJSONObject();
        assertEquals("sig", jwk.get("use"));
        assertEquals("ES256", jwk.get("alg"));
    }

    @Test
    void malformedJsonIsRefusedWithoutKeyMaterialInTheMessage() throws Exception {
        ECKey p256 = new ECKeyGenerator(Curve.P_256).keyID("a").generate();
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("b").generate();
        String rsa = new RSAKeyGenerator(2048).keyID("r").generate().toJSONString();
        String d = p256.getD().toString();
        String p384d = p384.getD().toString();
        List<String> bad = List.of(
                "",
                "not json",
                "[]",
                "{\"keys\":[" + p256.toJSONString() + "]}",                               // no activeKid
                "{\"activeKid\":\"a\"}",                                                   // no keys
                "{\"activeKid\":\"a\",\"keys\":[]}",                                       // empty keys
                "{\"activeKid\":\"a\",\"keys\":{}}",                                       // keys not array
                "{\"activeKid\":\"zz\",\"keys\":[" + p256.toJSONString() + "]}",            // activeKid not in keys
                "{\"activeKid\":\"a\",\"keys\":[" + p256.toPublicJWK().toJSONString() + "]}", // public only
                "{\"activeKid\":\"b\",\"keys\":[" + p384.toJSONString() + "]}",              // wrong curve
                "{\"activeKid\":\"r\",\"keys\":[" + rsa + "]}",                             // not EC
                "{\"activeKid\":\"a\",\"keys\":[" + p256.toJSONString() + "," + p256.toJSONString() + "]}", // duplicate
                "{\"activeKid\":\"a\",\"keys\":[\"x\"]}",                                   // not an object
                "{\"activeKid\":\"a\",\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"" + d + "\"}]}", // broken JWK
                "{\"activeKid\":\"a\",\"keys\":[" + new ECKey.Builder(p256).keyID(null).build().toJSONString() + "]}", // no kid
                "{\"activeKid\":\"a\",\"keys\":[" + new ECKey.Builder(p256).keyUse(KeyUse.ENCRYPTION).build().toJSONString() + "]}",
                "{\"activeKid\":\"a\",\"keys\":[" + new ECKey.Builder(p256).algorithm(JWSAlgorithm.ES384).build().toJSONString() + "]}");
        for (String json : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRing.fromJson(json), json);
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
            assertFalse(e.getMessage().contains(d), "message leaks key material");
            assertFalse(e.getMessage().contains(p384d), "message leaks key material");
            assertFalse(e.getMessage().contains("{"), "message quotes the JSON: " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> KeyRing.fromJson(null));
    }

    @Test
    void activeKidMissingFromKeysIsNamedInTheMessage() throws Exception {
        ECKey k = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyRing.fromJson("{\"activeKid\":\"k9\",\"keys\":[" + k.toJSONString() + "]}"));
        assertTrue(e.getMessage().contains("k9"), e.getMessage());
    }

    @Test
    void publicJwksHasNoPrivateMemberAndIsCached() throws Exception {
        KeyRing ring = KeyRing.generate("k1").rotate("k2");
        String jwks = ring.publicJwksJson();
        assertSame(jwks, ring.publicJwksJson());
        Map<String, Object> parsed = JSONObjectUtils.parse(jwks);
        List<Object> keys = JSONObjectUtils.getJSONArray(parsed, "keys");
        assertEquals(2, keys.size());
        for (Object o : keys) {
            @SuppressWarnings("unchecked")
            Map<String, Object> k = (Map<String, Object>) o;
            assertFalse(k.containsKey("d"), "private member d in the public JWKS");
            assertEquals("EC", k.get("kty"));
            assertEquals("P-256", k.get("crv"));
            assertEquals("sig", k.get("use"));
            assertEquals("ES256", k.get("alg"));
            assertTrue(k.containsKey("kid") && k.containsKey("x") && k.containsKey("y"));
        }
        assertFalse(jwks.contains("\"d\""));
        assertFalse(jwks.contains(ring.activeKey().getD().toString()));
    }

    @Test
    void rotateKeepsOldKeysAndRetireDropsOnlyNonActive() {
        KeyRing r1 = KeyRing.generate("k1");
        KeyRing r2 = r1.rotate("k2");
        assertEquals("k1", r1.activeKid(), "rings are immutable");
        assertEquals("k2", r2.activeKid());
        assertTrue(r2.key("k1").isPresent());
        assertEquals(r1.activeKey(), r2.key("k1").orElseThrow());

        assertThrows(IllegalArgumentException.class, () -> r2.rotate("k1"), "kid reuse");
        assertThrows(IllegalArgumentException.class, () -> r2.retire("k2"), "active key");
        assertThrows(IllegalArgumentException.class, () -> r2.retire("k7"), "unknown key");

        KeyRing r3 = r2.retire("k1");
        assertTrue(r3.key("k1").isEmpty());
        assertTrue(r2.key("k1").isPresent());
        assertEquals("k2", r3.activeKid());
    }

    @Test
    void kidIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> KeyRing.generate(null));
        assertThrows(IllegalArgumentException.class, () -> KeyRing.generate(" "));
        assertThrows(IllegalArgumentException.class, () -> KeyRing.generate("x".repeat(200)));
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        KeyRing ring = KeyRing.generate("k1");
        assertFalse(ring.toString().contains(ring.activeKey().getD().toString()));
    }
}
