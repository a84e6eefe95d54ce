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
        String[] links = pendingAndEnteredHeld(room);

        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);

        service.redeem(links[0], "device-first", "first@example.org").expectError(410, "ROOM_DELETED");
        service.redeem(links[1], "device-again", null).expectError(410, "ROOM_DELETED");
    }

    @Test
    void aRedeemDecidedOnARoomMovedSinceFollowsTheMove() {
        String room = Service.roomId("race-move");
        String[] links = pendingAndEnteredHeld(room);

        Response moved = service.room(room, Duration.ofHours(2)); // rescheduled: not open any more
        Object startsAt = moved.json().get("startsAt");

        Response first = service.redeem(links[0], "device-first", "first@example.org").expectError(409, "SESSION_NOT_STARTED");
        assertEquals(startsAt, first.obj("error").get("startsAt"), "the new start, not the one read before");
        service.redeem(links[1], "device-again", null).expectError(409, "SESSION_NOT_STARTED");
    }

    /**
     * An open room with two links, both held by this container with the open room: one previewed (pending), one
     * entered on "device-again". Answers the two link tokens.
     */
    private String[] pendingAndEnteredHeld(String room) {
        service.room(room, Duration.ofMinutes(-5));
        String pending = Service.linkToken(service.invite(room, "first@example.org", "VIEWER"));
        String entered = Service.linkToken(service.invite(room, "again@example.org", "VIEWER"));
        service.redeem(entered, "device-again", "again@example.org").expect(200);
        service.preview(pending, null).expect(200);
        return new String[]{pending, entered};
    }

    @Test
    void redeemsRacingARoomDeleteGrantNothingOnceItIsDone() {
        String room = Service.roomId("race-delete-many");
        race(room, () -> service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204),
                410, "ROOM_DELETED");
    }

    @Test
    void redeemsRacingARescheduleGrantNothingOnceItIsDone() {
        String room = Service.roomId("race-move-many");
        race(room, () -> service.room(room, Duration.ofHours(3)), 409, "SESSION_NOT_STARTED");
    }

    /**
     * {@link #LINKS} links of an open room, each previewed (so the container holds the open room), redeemed at the
     * instant {@code change} runs: each redeem enters or answers {@code code}; once the change is done, every link and
     * every device that got in before answers {@code code}.
     */
    private void race(String room, Callable<Response> change, int status, String code) {
        service.room(room, Duration.ofMinutes(-5));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            String token = Service.linkToken(service.invite(room, "racer" + i + "@example.org", "VIEWER"));
            service.preview(token, null).expect(200);
            tokens.add(token);
        }
        List<Callable<Response>> tasks = new ArrayList<>();
        tasks.add(change);
        for (int i = 0; i < LINKS; i++) {
            String token = tokens.get(i);
            String email = "racer" + i + "@example.org";
            String device = "device-racer" + i;
            tasks.add(() -> service.redeem(token, device, email));
        }
        List<Response> answers = releaseAtOnce(tasks);
        for (int i = 1; i <= LINKS; i++) {
            Response r = answers.get(i);
            assertTrue(r.status() == 200 || code.equals(r.code()), r::toString);
        }
        for (int i = 0; i < LINKS; i++) {
            service.redeem(tokens.get(i), "device-racer" + i, "racer" + i + "@example.org").expectError(status, code);
        }
    }
}
