package io.roominvites.it.invitee;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access token a redeem answers, as a room verifies it, and a promotion reaching the invitee's device. */
class PromotionAndAccessTokenTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void theJwksPublishesPublicEs256SigningKeysOnly() throws Exception {
        Response r = service.call("GET", "/.well-known/jwks.json", null, null).expect(200);
        assertTrue(r.header("Content-Type").startsWith("application/json"), r::toString);
        JWKSet set = JWKSet.parse(r.body());
        assertFalse(set.getKeys().isEmpty());
        for (JWK k : set.getKeys()) {
            assertTrue(k instanceof ECKey, "EC keys");
            assertFalse(k.isPrivate(), "no private part");
            assertFalse(r.body().contains("\"d\""), "no private member anywhere: " + r.body());
            assertEquals(KeyUse.SIGNATURE, k.getKeyUse());
            assertEquals(JWSAlgorithm.ES256, k.getAlgorithm());
            assertTrue(k.getKeyID() != null && !k.getKeyID().isBlank());
        }
    }

    @Test
    void theAccessTokenVerifiesWithTheJwksAndCarriesTheGrant() {
        // the room ends in 50 minutes: before the 60-minute token lifetime
        Invited guest = service.invitedTo(Service.roomId("claims"), Duration.ofMinutes(-10), "Guest@Example.org",
                "VIEWER");
        Response r = expectEntered(redeem(service, guest.token(), "device-claims-1", GUEST, null), "VIEWER");
        JWTClaimsSet c = Invitee.checkAccessToken(service, r, GUEST, guest.room(), guest.id(), "device-claims-1",
                "VIEWER", Invitee.VIEWER_PERMISSIONS);
        assertEquals(Instant.parse((String) r.obj("room").get("endsAt")), c.getExpirationTime().toInstant(),
                "capped at the room's end");
    }

    @Test
    void aLongRoomsAccessTokenLivesItsOwnLifetimeOnly() {
        String room = Service.roomId("long");
        service.room(room, Duration.ofMinutes(-10), Duration.ofHours(6), true, List.of(), List.of(), List.of());
        Invited guest = new Invited(room, service.invite(room, GUEST, "SPEAKER"));
        Response r = expectEntered(redeem(service, guest.token(), "device-long-1", GUEST, null), "SPEAKER");
        JWTClaimsSet c = Invitee.checkAccessToken(service, r, GUEST, room, guest.id(), "device-long-1", "SPEAKER",
                Invitee.SPEAKER_PERMISSIONS);
        Instant exp = c.getExpirationTime().toInstant();
        assertTrue(exp.isBefore(Instant.parse((String) r.obj("room").get("endsAt"))));
        assertTrue(Duration.between(service.clock().instant(), exp).toMinutes() <= 60, "an hour at most: " + exp);
    }

    @Test
    void aPromotionReachesTheSameDeviceOnItsNextRedeem() {
        Invited guest = service.invitedTo(Service.roomId("promote"), Duration.ofMinutes(-10), GUEST, "VIEWER");
        String room = guest.room();
        String token = guest.token();
        String id = guest.id();
        Response first = expectEntered(redeem(service, token, "device-prom-1", GUEST, null), "VIEWER");
        Invitee.checkAccessToken(service, first, GUEST, room, id, "device-prom-1", "VIEWER", Invitee.VIEWER_PERMISSIONS);

        Response promoted = promote(room, id, "SPEAKER").expect(200);
        assertEquals("VIEWER", promoted.json().get("previousRole"));
        assertEquals("SPEAKER", promoted.obj("invite").get("role"));
        // the preview shows the role too
        assertEquals("SPEAKER", preview(service, token, "device-prom-1", null).expect(200).obj("invitee").get("role"));

        Response refreshed = expectEntered(redeem(service, token, "device-prom-1", null, null), "SPEAKER");
        JWTClaimsSet c2 = Invitee.checkAccessToken(service, refreshed, GUEST, room, id, "device-prom-1", "SPEAKER",
                Invitee.SPEAKER_PERMISSIONS);

        promote(room, id, "MODERATOR").expect(200);
        Response again = expectEntered(redeem(service, token, "device-prom-1", null, null), "MODERATOR");
        JWTClaimsSet c3 = Invitee.checkAccessToken(service, again, GUEST, room, id, "device-prom-1", "MODERATOR",
                Invitee.MODERATOR_PERMISSIONS);
        assertNotEquals(c2.getJWTID(), c3.getJWTID());

        // promotion only goes up; another device still cannot use the link
        expectError(promote(room, id, "SPEAKER"), 409, "ROLE_NOT_HIGHER");
        expectError(redeem(service, token, "device-prom-2", GUEST, null), 409, "LINK_ALREADY_USED");
    }

    @Test
    void aPromotionBeforeTheFirstRedeemIsTheRoleTheInviteeEntersWith() {
        Invited guest = service.invitedTo(Service.roomId("promote-early"), Duration.ofMinutes(10), GUEST, "VIEWER");
        promote(guest.room(), guest.id(), "MODERATOR").expect(200);
        assertEquals(Map.of("firstName", "Gia", "role", "MODERATOR", "locale", "en"), preview(service, guest.token(), null, null)
                .expect(200).obj("invitee"));
        service.advance(Duration.ofMinutes(11));
        Response r = expectEntered(redeem(service, guest.token(), "device-pe-1", null, service.token(GUEST)),
                "MODERATOR");
        Invitee.checkAccessToken(service, r, GUEST, guest.room(), guest.id(), "device-pe-1", "MODERATOR",
                Invitee.MODERATOR_PERMISSIONS);
    }

    /**
     * A room may end at a fractional second (startsAt/endsAt accept ISO-8601 with milliseconds). A redeem in its
     * last partial second must not be a 500: either a token that expires no later than the end, or SESSION_ENDED.
     */
    @Test
    void aRedeemInTheLastFractionOfASecondBeforeTheEndIsNotAnError() {
        String room = Service.roomId("last-second");
        Instant start = service.clock().instant().minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant end = start.plus(Duration.ofMinutes(30)).plusMillis(900);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("title", "Ends at a fraction of a second");
        body.put("description", "");
        body.put("startsAt", start.toString());
        body.put("endsAt", end.toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        service.call("PUT", "/admin/rooms/" + room, service.adminToken(), body).expect(200);
        Response created = service.invite(room, GUEST, "VIEWER");
        String token = Service.linkToken(created);
        expectEntered(redeem(service, token, "device-last-1", GUEST, null), "VIEWER");

        // 450 ms before the end: inside the last (fractional) second of the session
        service.advance(Duration.between(service.clock().instant(), end.minusMillis(450)));
        Response r = redeem(service, token, "device-last-1", null, null);
        if (r.status() == 200) {
            JWTClaimsSet c = Invitee.verifyAccessToken(service, (String) r.json().get("accessToken"));
            assertFalse(c.getExpirationTime().toInstant().isAfter(end), "no later than the room's end");
        } else {
            expectError(r, 410, "SESSION_ENDED");
        }
    }

    private Response promote(String room, String inviteId, String role) {
        return service.call("POST", "/rooms/" + room + "/invites/" + inviteId + "/promote", service.token(Service.OWNER),
                Map.of("role", role));
    }
}
