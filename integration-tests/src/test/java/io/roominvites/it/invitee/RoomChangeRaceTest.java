package io.roominvites.it.invitee;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A redeem racing a room change: never a grant from the old room. The container that serves a redeem remembers the
 * invite and room it read last (a preview reads them), so the room's gate in the redeem's write is what stops a
 * decision made on a room that was deleted or moved meanwhile. The worst interleaving is played in order (read, room
 * change, write), then the same requests are raced.
 */
class RoomChangeRaceTest extends ServiceTest {
    private static final int LINKS = 12;

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void aRedeemDecidedOnARoomDeletedSinceIsRoomDeleted() {
        String room = Service.roomId("race-delete");
        service.room(room, Duration.ofMinutes(-5));
        String pending = Service.linkToken(service.invite(room, "first@example.org", "VIEWER"));
        String entered = Service.linkToken(service.invite(room, "again@example.org", "VIEWER"));
        service.redeem(entered, "device-again", "again@example.org").expect(200);
        service.preview(pending, null).expect(200); // the container now holds the invite and the open room

        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);

        service.redeem(pending, "device-first", "first@example.org").expectError(410, "ROOM_DELETED");
        service.redeem(entered, "device-again", null).expectError(410, "ROOM_DELETED");
    }

    @Test
    void aRedeemDecidedOnARoomMovedSinceFollowsTheMove() {
        String room = Service.roomId("race-move");
        service.room(room, Duration.ofMinutes(-5));
        String pending = Service.linkToken(service.invite(room, "first@example.org", "VIEWER"));
        String entered = Service.linkToken(service.invite(room, "again@example.org", "VIEWER"));
        service.redeem(entered, "device-again", "again@example.org").expect(200);
        service.preview(pending, null).expect(200);

        Response moved = service.room(room, Duration.ofHours(2)); // rescheduled: not open any more
        Object startsAt = moved.json().get("startsAt");

        Response first = service.redeem(pending, "device-first", "first@example.org").expectError(409, "SESSION_NOT_STARTED");
        assertEquals(startsAt, first.obj("error").get("startsAt"), "the new start, not the one read before");
        service.redeem(entered, "device-again", null).expectError(409, "SESSION_NOT_STARTED");
    }

    @Test
    void redeemsRacingARoomDeleteGrantNothingOnceItIsDone() {
        String room = Service.roomId("race-delete-many");
        service.room(room, Duration.ofMinutes(-5));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            String token = Service.linkToken(service.invite(room, "racer" + i + "@example.org", "VIEWER"));
            service.preview(token, null).expect(200);
            tokens.add(token);
        }
        List<Callable<Response>> tasks = new ArrayList<>();
        tasks.add(() -> service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null));
        for (int i = 0; i < LINKS; i++) {
            String token = tokens.get(i);
            String email = "racer" + i + "@example.org";
            tasks.add(() -> service.redeem(token, "device-" + email.substring(0, email.indexOf('@')), email));
        }
        List<Response> answers = releaseAtOnce(tasks);
        answers.getFirst().expect(204);
        for (int i = 1; i <= LINKS; i++) {
            Response r = answers.get(i);
            assertTrue(r.status() == 200 || "ROOM_DELETED".equals(r.code()), r::toString);
        }
        // once the delete is done, no link and no device that got in before gets anything
        for (int i = 0; i < LINKS; i++) {
            String email = "racer" + i + "@example.org";
            service.redeem(tokens.get(i), "device-" + email.substring(0, email.indexOf('@')), email).expectError(410, "ROOM_DELETED");
        }
    }

    @Test
    void redeemsRacingARescheduleGrantNothingOnceItIsDone() {
        String room = Service.roomId("race-move-many");
        service.room(room, Duration.ofMinutes(-5));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            String token = Service.linkToken(service.invite(room, "mover" + i + "@example.org", "VIEWER"));
            service.preview(token, null).expect(200);
            tokens.add(token);
        }
        List<Callable<Response>> tasks = new ArrayList<>();
        tasks.add(() -> service.room(room, Duration.ofHours(3)));
        for (int i = 0; i < LINKS; i++) {
            String token = tokens.get(i);
            String email = "mover" + i + "@example.org";
            tasks.add(() -> service.redeem(token, "device-" + email.substring(0, email.indexOf('@')), email));
        }
        List<Response> answers = releaseAtOnce(tasks);
        for (int i = 1; i <= LINKS; i++) {
            Response r = answers.get(i);
            assertTrue(r.status() == 200 || "SESSION_NOT_STARTED".equals(r.code()), r::toString);
        }
        for (int i = 0; i < LINKS; i++) {
            String email = "mover" + i + "@example.org";
            service.redeem(tokens.get(i), "device-" + email.substring(0, email.indexOf('@')), email).expectError(409, "SESSION_NOT_STARTED");
        }
    }
}
