package io.roominvites.it.invitee;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LinkTokens;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.expectRefusedEveryWay;
import static io.roominvites.it.invitee.Invitee.expectInvalid;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static io.roominvites.it.support.Service.inviteId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Forged, tampered and malformed links, and malformed requests, at the HTTP level. */
class LinkTokenAttackTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private String room;
    private Response created;
    private String token;

    @Override
    protected void afterStart() {
        service.enableInvitations();
        room = Service.roomId("attack");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        created = service.invite(room, GUEST, "VIEWER");
        token = Service.linkToken(created);
    }

    private String issuer() {
        return service.services().app().parts().issuer;
    }

    /** Preview and redeem (with the right email, on a fresh device) both answer this error; nothing is consumed. */
    private void bothAnswer(String link, int status, String code) {
        expectRefusedEveryWay(service, link, "device-attack-1", GUEST, status, code);
        assertEquals("PENDING", listed(service, room, inviteId(created)).get("status"));
    }

    private static String[] parts(String jws) {
        String[] p = jws.split("\\.", -1);
        assertEquals(3, p.length);
        return p;
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theGenuineLinkIsUntouchedByForgeries() {
        // whatever ran before (every forgery also checks that the real invite stays PENDING)
        assertEquals("LOBBY", preview(service, token, null, null).expect(200).json().get("next"));
    }

    @Test
    void aTamperedPayloadIsInvalid() {
        String[] p = parts(token);
        char[] payload = p[1].toCharArray();
        int i = payload.length / 2;
        payload[i] = payload[i] == 'A' ? 'B' : 'A';
        bothAnswer(p[0] + "." + new String(payload) + "." + p[2], 400, "LINK_INVALID");

        // a well-formed payload pointing at another invite, under the original signature
        String otherInvite = inviteId(service.invite(room, "other@example.org", "MODERATOR"));
        String json = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                .replace(inviteId(created), otherInvite);
        assertNotEquals(p[1], b64(json));
        bothAnswer(p[0] + "." + b64(json) + "." + p[2], 400, "LINK_INVALID");

        // a flipped signature character, a dropped signature
        char[] sig = p[2].toCharArray();
        sig[5] = sig[5] == 'A' ? 'B' : 'A';
        bothAnswer(p[0] + "." + p[1] + "." + new String(sig), 400, "LINK_INVALID");
        bothAnswer(p[0] + "." + p[1] + ".", 400, "LINK_INVALID");
    }

    @Test
    void aLinkSignedByAnotherKeyIsInvalid() {
        Instant now = service.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Instant exp = now.plus(Duration.ofDays(1));
        String ref = room + ":" + inviteId(created);
        // the same kid as the service's key, but another key
        String sameKid = new LinkTokens(KeyRing.generate(service.services().keys().activeKid()), issuer()).issue(ref, exp, now);
        bothAnswer(sameKid, 400, "LINK_INVALID");
        // an unknown kid
        bothAnswer(new LinkTokens(KeyRing.generate("attacker-1"), issuer()).issue(ref, exp, now), 400, "LINK_INVALID");
    }

    @Test
    void algNoneAndAlgorithmConfusionAreInvalid() throws Exception {
        String[] p = parts(token);
        String none = b64("{\"alg\":\"none\",\"typ\":\"invite-link+jwt\",\"kid\":\""
                + service.services().keys().activeKid() + "\"}");
        bothAnswer(none + "." + p[1] + ".", 400, "LINK_INVALID");
        bothAnswer(none + "." + p[1] + "." + p[2], 400, "LINK_INVALID");

        // HS256 keyed with the public JWK (the classic RS/ES-to-HS confusion)
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(service.services().keys().activeKid()).type(new JOSEObjectType("invite-link+jwt")).build(),
                SignedJWT.parse(token).getJWTClaimsSet());
        byte[] secret = service.services().keys().activeKey().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        hs.sign(new MACSigner(secret));
        bothAnswer(hs.serialize(), 400, "LINK_INVALID");
    }

    @Test
    void garbageIsInvalid() {
        bothAnswer("not-a-link", 400, "LINK_INVALID");
        bothAnswer("a.b.c", 400, "LINK_INVALID");
        bothAnswer("Zm9v.YmFy.YmF6", 400, "LINK_INVALID");
        bothAnswer(java.util.UUID.randomUUID().toString(), 400, "LINK_INVALID");
        bothAnswer(token + "x", 400, "LINK_INVALID");
        bothAnswer(token + "." + parts(token)[2], 400, "LINK_INVALID");
        bothAnswer("https://events.example.com/join#invite=" + token, 400, "LINK_INVALID");
        bothAnswer("a".repeat(3000), 400, "LINK_INVALID");
    }

    @Test
    void anAccessTokenIsNotALink() {
        String device = "device-access-1";
        // an access token, validly signed by the same service key, but typ at+jwt
        Response entered = expectEntered(redeem(service,
                Service.linkToken(service.invite(room, "third@example.org", "VIEWER")), device, "third@example.org", null),
                "VIEWER");
        bothAnswer((String) entered.json().get("accessToken"), 400, "LINK_INVALID");
    }

    @Test
    void aGenuinelySignedLinkToNoInviteIsInvalidOrExpired() {
        LinkTokens real = new LinkTokens(service.services().keys(), issuer());
        Instant now = service.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Instant future = now.plus(Duration.ofDays(1));
        // a well-formed invite id that does not exist, in a real room
        bothAnswer(real.issue(room + ":01JABCDEFGHJKMNPQRSTVWXYZ0", future, now), 400, "LINK_INVALID");
        // a real invite under another (real or unknown) room
        String otherRoom = Service.roomId("attack-other");
        service.room(otherRoom, Duration.ofMinutes(-5));
        bothAnswer(real.issue(otherRoom + ":" + inviteId(created), future, now), 400, "LINK_INVALID");
        bothAnswer(real.issue("no-such-room:" + inviteId(created), future, now), 400, "LINK_INVALID");
        // no room part, an empty invite part
        bothAnswer(real.issue(inviteId(created), future, now), 400, "LINK_INVALID");
        bothAnswer(real.issue(room + ":", future, now), 400, "LINK_INVALID");
        // another issuer, with the service's own key
        bothAnswer(new LinkTokens(service.services().keys(), "https://attacker.example").issue(
                room + ":" + inviteId(created), future, now), 400, "LINK_INVALID");
        // past its expiry and pointing at nothing (removed by TTL, say): expired, the more useful answer
        bothAnswer(real.issue(room + ":01JABCDEFGHJKMNPQRSTVWXYZ0", now.minusSeconds(60), now.minusSeconds(3600)),
                410, "LINK_EXPIRED");
    }

    @Test
    void anExpiredLinkIsExpired() {
        service.settings(true, null, List.of(), 5);
        try {
            Response shortLived = service.invite(room, "short@example.org", "VIEWER");
            service.advance(Duration.ofMinutes(6));
            String link = Service.linkToken(shortLived);
            expectError(preview(service, link, null, null), 410, "LINK_EXPIRED");
            expectError(redeem(service, link, "device-short-1", "short@example.org", null), 410, "LINK_EXPIRED");
            assertEquals("EXPIRED", listed(service, room, inviteId(shortLived)).get("status"));
        } finally {
            service.enableInvitations();
        }
    }

    @Test
    void aMissingOrEmptyTokenIsAFieldError() {
        // the contract: missing or bad fields are INVALID_REQUEST; the token field is named
        for (Object t : new Object[]{"", "   ", 42, List.of("x")}) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", t);
            body.put("deviceId", "device-empty-1");
            expectInvalid(service.call("POST", "/invites/preview", null, body), "token");
            body.put("email", GUEST);
            expectInvalid(service.call("POST", "/invites/redeem", null, body), "token");
        }
        expectInvalid(service.call("POST", "/invites/preview", null, Map.of()), "token");
        expectInvalid(service.call("POST", "/invites/redeem", null, Map.of("email", GUEST)), "token", "deviceId");
        expectInvalid(service.call("POST", "/invites/redeem", null, Map.of("token", "a".repeat(4097),
                "deviceId", "device-long-1")), "token");
    }

    @Test
    void deviceIdsAreValidated() {
        String[] bad = {"short77", "d".repeat(129), "device id!", "device/12345", "dévice-1234", "device.12345",
                "device\u00001234"};
        for (String device : bad) {
            expectInvalid(redeem(service, token, device, GUEST, null), "deviceId");
            expectInvalid(preview(service, token, device, null), "deviceId");
            // validated before the link: even a garbage link gets the field error
            expectInvalid(redeem(service, "garbage", device, GUEST, null), "deviceId");
        }
        expectInvalid(redeem(service, token, null, GUEST, null), "deviceId");
        expectInvalid(service.call("POST", "/invites/redeem", null, Map.of("token", token, "deviceId", 12345678)),
                "deviceId");
        assertEquals("PENDING", listed(service, room, inviteId(created)).get("status"));
        assertEquals(0, stored(service, room, inviteId(created)).failedEmailAttempts());

        // the boundaries are accepted: 8 and 128 characters of A-Za-z0-9_-
        Response r128 = service.invite(room, "boundary@example.org", "VIEWER");
        String d128 = "Az09_-".repeat(21) + "xy";
        assertEquals(128, d128.length());
        expectEntered(redeem(service, Service.linkToken(r128), d128, "boundary@example.org", null), "VIEWER");
        expectEntered(redeem(service, Service.linkToken(r128), d128, null, null), "VIEWER");
        Response r8 = service.invite(room, "eight@example.org", "VIEWER");
        assertEquals("LOBBY", preview(service, Service.linkToken(r8), "A-_z0912", null).expect(200).json().get("next"));
        expectEntered(redeem(service, Service.linkToken(r8), "A-_z0912", "eight@example.org", null), "VIEWER");
    }

    @Test
    void malformedBodiesAreInvalidRequests() {
        for (String raw : new String[]{"not json", "[]", "{\"token\":", "null"}) {
            expectError(service.call("POST", "/invites/preview", null, raw), 400, "INVALID_REQUEST");
            expectError(service.call("POST", "/invites/redeem", null, raw), 400, "INVALID_REQUEST");
        }
        expectError(service.call("POST", "/invites/redeem", null, null), 400, "INVALID_REQUEST");
        String huge = "{\"token\":\"" + "a".repeat(17 * 1024) + "\",\"deviceId\":\"device-huge-1\"}";
        expectError(service.call("POST", "/invites/redeem", null, huge), 400, "INVALID_REQUEST");
    }

    @Test
    void linksNeverTravelInTheQueryString() {
        // the routes take the token in the body only; a token in the query is not read
        Response r = service.call("POST", "/invites/preview?token=" + token, null, Map.of("deviceId", "device-q-1234"));
        expectInvalid(r, "token");
    }
}
