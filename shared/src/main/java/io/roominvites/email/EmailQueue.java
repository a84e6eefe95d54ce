package io.roominvites.email;

import io.roominvites.json.Json;

import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where emails to be sent after the answer are handed over: a queue (Amazon SQS in AWS, in memory in the local
 * runner) whose consumer sends each job with {@code QueuedEmails}. Delivery is at least once; a job names the QUEUED
 * attempt it sends, and the consumer claims that attempt by a conditional write before sending, so a job delivered
 * twice is sent once.
 */
public interface EmailQueue {

    /**
     * The email of one invite: its invitation, whose attempt was QUEUED at {@code queuedAt} ({@code followUp} null), or
     * a follow-up ({@link io.roominvites.domain.FollowUpMail}: a calendar update or cancellation, a reminder) with its
     * {@code ref}, queued at {@code queuedAt}.
     */
    record Job(String roomId, String inviteId, Instant queuedAt, io.roominvites.domain.FollowUpMail.Kind followUp,
               String ref) {
        /** An invitation's job. */
        public Job(String roomId, String inviteId, Instant queuedAt) {
            this(roomId, inviteId, queuedAt, null, null);
        }
    }

    /**
     * Hands over the jobs, one message per inner list (the consumer takes a message as a unit).
     *
     * @throws io.roominvites.domain.InviteException SERVICE_UNAVAILABLE when the queue could not take them
     */
    void enqueue(List<List<Job>> messages);

    /** The body of one queue message with these jobs (the format every queue adapter and consumer shares). */
    static String message(List<Job> jobs) {
        List<Object> list = new ArrayList<>(jobs.size());
        for (Job j : jobs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("roomId", j.roomId());
            m.put("inviteId", j.inviteId());
            m.put("queuedAt", j.queuedAt().toString());
            if (j.followUp() != null) {
                m.put("followUp", j.followUp().name());
                m.put("ref", j.ref());
            }
            list.add(m);
        }
        return Json.write(Map.of("jobs", list));
    }

    /** The jobs of one message; a malformed message fails (it goes to the dead-letter queue after its retries). */
    @SuppressWarnings("unchecked")
    static List<Job> jobs(String body) {
        try {
            List<Job> out = new ArrayList<>();
            for (Object o : (List<Object>) Json.parseObject(body).get("jobs")) {
                Map<String, Object> m = (Map<String, Object>) o;
                Object followUp = m.get("followUp");
                out.add(new Job((String) m.get("roomId"), (String) m.get("inviteId"),
                        Instant.parse((String) m.get("queuedAt")),
                        followUp == null ? null : io.roominvites.domain.FollowUpMail.Kind.valueOf((String) followUp),
                        (String) m.get("ref")));
            }
            return out;
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException("not an email queue message");
        }
    }
}
