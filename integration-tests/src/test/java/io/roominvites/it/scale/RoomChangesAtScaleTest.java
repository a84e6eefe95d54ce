package io.roominvites.it.scale;

import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room is one source of truth: changing or deleting it is one write whatever its number of invites, atomic, in
 * force for every link on the very next request; overlapping changes never mix; a change that fails (before or after
 * DynamoDB applied it) leaves every invite agreeing with its room.
 */
class RoomChangesAtScaleTest extends ServiceTest {
    /** Fails the next TransactWriteItems once: before it is sent, or after DynamoDB applied it (the answer is lost). */
    static final class FailNextTransaction implements ExecutionInterceptor {
        volatile String mode;

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if ("before".equals(mode) && isTransaction(attributes)) {
                mode = null;
                throw SdkClientException.create("injected: connection reset before the request was sent");
            }
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            if ("after".equals(mode) && isTransaction(attributes)) {
                mode = null;
                throw SdkClientException.create("injected: connection reset after DynamoDB applied the request");
            }
        }

        private static boolean isTransaction(ExecutionAttributes attributes) {
            return "TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    private final FailNextTransaction faults = new FailNextTransaction();

    @Override
    protected Service createService(Backend backend) {
        return new Service(backend, EmailGateway.NONE, List.of(faults));
    }

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    private Instant start(Duration in) {
        return service.clock().instant().plus(in).truncatedTo(ChronoUnit.SECONDS);
    }

    private Service.Response putRoom(String roomId, Instant start, String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("description", "A focused session.");
        body.put("startsAt", start.toString());
        body.put("endsAt", start.plus(Duration.ofHours(1)).toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        return service.call("PUT", "/admin/rooms/" + roomId, service.adminToken(), body);
    }

    /**
     * Creates {@code n} invites in {@code roomId} as a manager with a list would: bulk creates of up to 500 rows, 8 at
     * a time; answers their link tokens.
     */
    private List<String> links(String roomId, int n) throws Exception {
        List<Callable<List<String>>> batches = new ArrayList<>();
        for (int from = 0; from < n; from += 500) {
            int first = from;
            int size = Math.min(500, n - from);
            batches.add(() -> {
                List<Map<String, Object>> rows = new ArrayList<>(size);
                for (int i = first; i < first + size; i++) {
                    rows.add(Map.of("email", "scale-" + i + "@example.org", "firstName", "Scale", "lastName", "Guest" + i,
                            "role", "VIEWER"));
                }
                Service.Response r = service.bulk(roomId, Map.of("invites", rows, "sendEmail", false), Map.of()).expect(200);
                assertEquals(size, ((Number) r.json().get("created")).intValue(), r.body());
                List<String> out = new ArrayList<>(size);
                for (Object o : (List<?>) r.json().get("results")) {
                    out.add(Service.tokenOf((String) ((Map<?, ?>) o).get("link")));
                }
                return out;
            });
        }
        List<String> links = new ArrayList<>(n);
        runAll(batches).forEach(links::addAll);
        return links;
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<T>> futures = pool.invokeAll(tasks);
            List<T> out = new ArrayList<>(futures.size());
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    /** The start every one of {@code links} previews, counted. */
    private Map<String, Integer> previewedStarts(List<String> links) throws Exception {
        List<Callable<String>> tasks = new ArrayList<>();
        for (String link : links) {
            tasks.add(() -> (String) service.preview(link, null).expect(200).json().get("startsAt"));
        }
        Map<String, Integer> starts = new LinkedHashMap<>();
        for (String s : runAll(tasks)) {
            starts.merge(s, 1, Integer::sum);
        }
        return starts;
    }

    @Test
    void overlappingRoomChangesConvergeOnTheLastOneForEveryLink() throws Exception {
        String room = Service.roomId("scale-overlap");
        putRoom(room, start(Duration.ofHours(1)), "Before").expect(200);
        List<String> links = links(room, 200);
        for (int round = 0; round < 5; round++) {
            List<Callable<Service.Response>> changes = new ArrayList<>();
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Instant s = start(Duration.ofHours(2 + round * 10 + i));
                written.add(s.toString());
                changes.add(() -> putRoom(room, s, "Change " + s));
            }
            for (Service.Response r : runAll(changes)) {
                r.expect(200);
            }
            // the room ends on whichever change DynamoDB applied last; every link shows exactly that one
            Map<String, Integer> starts = previewedStarts(links);
            assertEquals(1, starts.size(), "round " + round + ": every link shows one and the same start: " + starts);
            String roomStart = starts.keySet().iterator().next();
            assertTrue(written.contains(roomStart), roomStart + " is one of the changes " + written);
            assertEquals(200, starts.get(roomStart));
            // and a change after them is what every link shows next
            Instant last = start(Duration.ofHours(100 + round));
            putRoom(room, last, "Last").expect(200);
            assertEquals(Map.of(last.toString(), 200), previewedStarts(links));
        }
    }

    @Test
    void aRoomChangeThatFailsLeavesEveryLinkAgreeingWithTheRoom() throws Exception {
        String room = Service.roomId("scale-fault");
        Instant before = start(Duration.ofHours(1));
        putRoom(room, before, "Before").expect(200);
        List<String> links = links(room, 100);

        // the connection breaks before the request reaches DynamoDB: 503, nothing changed
        faults.mode = "before";
        Instant moved = start(Duration.ofHours(3));
        putRoom(room, moved, "Moved").expectError(503, "SERVICE_UNAVAILABLE");
        assertEquals(Map.of(before.toString(), 100), previewedStarts(links), "no link moved");

        // the connection breaks after DynamoDB applied it: 503 to the caller, and every link moved together
        faults.mode = "after";
        putRoom(room, moved, "Moved").expectError(503, "SERVICE_UNAVAILABLE");
        assertEquals(Map.of(moved.toString(), 100), previewedStarts(links), "every link moved, none stayed behind");
        // the admin's retry is harmless
        putRoom(room, moved, "Moved").expect(200);
        assertEquals(Map.of(moved.toString(), 100), previewedStarts(links));

        // a delete that fails before it is applied leaves the room usable; after, all links answer ROOM_DELETED
        faults.mode = "before";
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expectError(503, "SERVICE_UNAVAILABLE");
        assertEquals(Map.of(moved.toString(), 100), previewedStarts(links));
        faults.mode = "after";
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expectError(503, "SERVICE_UNAVAILABLE");
        for (String link : links) {
            service.preview(link, null).expectError(410, "ROOM_DELETED");
        }
    }

    @Test
    void aDeletedRoomOfTenThousandInvitesStopsEveryLinkAtOnce() throws Exception {
        String room = Service.roomId("scale-delete");
        putRoom(room, start(Duration.ofMinutes(-5)), "Big room").expect(200);
        int n = 10_000;
        List<String> links = links(room, n);

        // listing such a room: a filter that matches nothing answers one empty page with no cursor, not pages of nothing
        String owner = service.token(Service.OWNER);
        Service.Response expired = service.call("GET", "/rooms/" + room + "/invites?status=EXPIRED&limit=25", owner, null)
                .expect(200);
        assertEquals(List.of(), expired.json().get("invites"));
        assertEquals(null, expired.json().get("nextCursor"), expired.body());
        Service.Response pending = service.call("GET", "/rooms/" + room + "/invites?status=PENDING&limit=25", owner, null)
                .expect(200);
        assertEquals(25, ((List<?>) pending.json().get("invites")).size());
        String cursor = (String) pending.json().get("nextCursor");
        assertTrue(cursor != null && cursor.length() < 300, "an opaque cursor of bounded size: " + cursor);

        long t0 = System.nanoTime();
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);
        long deleteMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("room DELETE with %,d invites: %d ms%n", n, deleteMs);

        AtomicInteger deleted = new AtomicInteger();
        List<Callable<Void>> checks = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            String link = links.get(i);
            String device = "scale-device-" + i;
            checks.add(() -> {
                // preview for every link; every tenth also tries to redeem
                service.preview(link, null).expectError(410, "ROOM_DELETED");
                if (device.endsWith("0")) {
                    service.redeem(link, device, null).expectError(410, "ROOM_DELETED");
                }
                deleted.incrementAndGet();
                return null;
            });
        }
        runAll(checks);
        assertEquals(n, deleted.get());
    }
}
