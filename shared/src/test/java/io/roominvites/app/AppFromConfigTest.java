package io.roominvites.app;

import io.roominvites.aws.Config;

import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.http.Operation;
import io.roominvites.tokens.KeyRing;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signing keys load on their own init thread: their result, and their failures, reach the caller as before. */
class AppFromConfigTest {

    private static App jwksApp(Map<String, String> env) {
        return App.fromConfig(new Config(env), EnumSet.of(Operation.JWKS), null);
    }

    @Test
    void keysLoadedAtInitServeTheJwks() {
        KeyRing ring = SigningKeys.fromSecret("{\"activeKid\":\"k2\",\"seed_k1\":\"" + "a".repeat(64) + "\",\"seed_k2\":\""
                + "b".repeat(64) + "\"}");
        App app = jwksApp(Map.of(Config.SIGNING_KEYS_JSON, ring.toJson()));
        HttpResponse r = app.router().handle(new HttpRequest("GET", "/.well-known/jwks.json", Map.of(), Map.of(), null,
                "req-1", "127.0.0.1"));
        assertEquals(200, r.status());
        assertEquals(ring.publicJwksJson(), r.body());
        assertEquals("k2", app.parts().keys.activeKid());
    }

    @Test
    void aBrokenSecretFailsInitWithItsOwnMessageAndNoKeyMaterial() {
        String secret = "{\"activeKid\":\"k9\",\"seed_k1\":\"" + "s3cr3t".repeat(11) + "\"}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> jwksApp(Map.of(Config.SIGNING_KEYS_JSON, secret)));
        assertTrue(e.getMessage().contains("k9"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> jwksApp(Map.of(Config.SIGNING_KEYS_JSON, "{not json")));
    }

    @Test
    void missingKeyConfigurationIsNamedBeforeAnythingLoads() {
        Config.ConfigException e = assertThrows(Config.ConfigException.class, () -> jwksApp(Map.of()));
        assertTrue(e.getMessage().contains(Config.SIGNING_KEY_SECRET_ID), e.getMessage());
    }
}
