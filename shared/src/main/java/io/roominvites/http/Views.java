package io.roominvites.http;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Invite;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.RoomView;
import io.roominvites.domain.SessionState;
import io.roominvites.domain.SiteSettings;
import io.roominvites.service.InviteeEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the contract, built from domain records. */
final class Views {
    private Views() {
    }

    /** The history route's events: {type, at, actor: {emailMasked} or null, details}. */
    static List<Object> history(List<io.roominvites.events.HistoryEntry> entries) {
        List<Object> out = new ArrayList<>(entries.size());
        for (io.roominvites.events.HistoryEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.type().detailType());
            m.put("at", time(e.at()));
            m.put("actor", e.actor() == null ? null : Map.of("emailMasked", e.actor()));
            m.put("details", e.details());
            out.add(m);
        }
        return out;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static Map<String, Object> invite(Invite i, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inviteId", i.inviteId());
        m.put("roomId", i.roomId());
        m.put("email", i.email());
        m.put("firstName", i.firstName());
        m.put("lastName", i.lastName());
        m.put("erased", i.erased());
        m.put("role", i.role().name());
        m.put("locale", i.locale());
        m.put("status", i.status(now).name());
        m.put("createdAt", time(i.createdAt()));
        m.put("createdBy", i.createdBy());
        m.put("expiresAt", time(i.expiresAt()));
        m.put("redeemedAt", time(i.redeemedAt()));
        m.put("revokedAt", time(i.revokedAt()));
        m.put("promotedAt", time(i.promotedAt()));
        m.put("maxDevices", i.maxDevices());
        List<Object> devices = new ArrayList<>(i.devices().size());
        for (Invite.Device d : i.devices()) {
            // how many are bound and when; never the device ids
            devices.add(Map.of("boundAt", time(d.boundAt())));
        }
        m.put("devices", devices);
        m.put("releasedAt", time(i.releasedAt()));
        m.put("locked", i.locked());
        m.put("failedEmailAttempts", i.failedEmailAttempts());
        m.put("linkVersion", i.linkVersion());
        Invite.EmailDelivery d = i.emailDelivery();
        if (d == null) {
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("status", "NOT_REQUESTED");
            m.put("emailDelivery", none);
        } else {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("status", d.status());
            e.put("messageId", d.messageId());
            e.put("error", d.error());
            e.put("at", time(d.at()));
            e.put("attempts", d.attempts());
            List<Object> history = new ArrayList<>(d.history().size());
            for (Invite.Attempt a : d.history()) {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("status", a.status());
                h.put("at", time(a.at()));
                h.put("error", a.error());
                history.add(h);
            }
            e.put("history", history);
            if (d.lastEvent() != null) {
                e.put("lastEvent", d.lastEvent().type());
                e.put("lastEventAt", time(d.lastEvent().at()));
                e.put("lastEventDetail", d.lastEvent().detail());
            }
            m.put("emailDelivery", e);
        }
        return m;
    }

    /** A row's error in a bulk answer: {code, message, fields?} (the request id is the answer's). */
    static Map<String, Object> error(io.roominvites.domain.InviteException e, String language) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", e.code().name());
        m.put("message", Router.localized(e.code().name(), e.getMessage(), language, null));
        if (!e.fields().isEmpty()) {
            List<Object> fields = new ArrayList<>(e.fields().size());
            for (io.roominvites.domain.FieldError f : e.fields()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("field", f.field());
                fm.put("problem", f.problem());
                fields.add(fm);
            }
            m.put("fields", fields);
        }
        return m;
    }

    static List<Object> invites(List<Invite> invites, Instant now) {
        List<Object> out = new ArrayList<>(invites.size());
        for (Invite i : invites) {
            out.add(invite(i, now));
        }
        return out;
    }

    static Map<String, Object> room(Room r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roomId", r.roomId());
        m.put("title", r.title());
        m.put("description", r.description());
        m.put("startsAt", time(r.startsAt()));
        m.put("endsAt", time(r.endsAt()));
        m.put("chatAndCollaborationEnabled", r.chatAndCollaborationEnabled());
        m.put("owner", r.owner());
        m.put("coOwners", r.coOwners());
        m.put("coEditors", r.coEditors());
        m.put("coPublishers", r.coPublishers());
        m.put("reminderMinutesBefore", r.reminderMinutesBefore());
        m.put("timeZone", r.timeZone());
        m.put("updatedAt", time(r.updatedAt()));
        return m;
    }

    static Map<String, Object> roomView(RoomView r, boolean withSchedule) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roomId", r.roomId());
        m.put("title", r.title());
        m.put("description", r.description());
        m.put("timeZone", r.timeZone());
        if (withSchedule) {
            m.put("startsAt", time(r.startsAt()));
            m.put("endsAt", time(r.endsAt()));
        }
        return m;
    }

    /**
     * What a preview answers alike for an invite's link and a guest link: where the session stands and its room; who
     * the link is for follows.
     */
    static Map<String, Object> preview(SessionState state, InviteeEntry.Next next, long secondsUntilStart, Room room) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state.name());
        m.put("next", next == null ? null : next.name());
        m.put("startsAt", time(room.startsAt()));
        m.put("endsAt", time(room.endsAt()));
        m.put("secondsUntilStart", secondsUntilStart);
        m.put("room", roomView(room.view(), false));
        return m;
    }

    static Map<String, Object> settings(SiteSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inviteToMediaEnabled", s.inviteToMediaEnabled());
        m.put("emailTemplateName", s.emailTemplateName());
        m.put("blockedDomains", s.blockedDomains());
        m.put("linkTtlMinutes", s.linkTtlMinutes());
        m.put("linkBaseUrl", s.linkBaseUrl());
        m.put("linkMaxDevices", s.linkMaxDevices());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("perManagerPerDay", s.sendLimits().perManagerPerDay());
        limits.put("perRoomPerDay", s.sendLimits().perRoomPerDay());
        limits.put("resendCooldownSeconds", s.sendLimits().resendCooldownSeconds());
        m.put("sendLimits", limits);
        m.put("reminderMinutesBefore", s.reminderMinutesBefore());
        m.put("guestLinksPerRoom", s.guestLinksPerRoom());
        m.put("defaultLocale", s.defaultLocale());
        m.put("locales", s.locales());
        return m;
    }

    /** The languages offered, each {id, label} with the label in that language itself ("Deutsch", "español"). */
    static List<Object> locales(List<String> tags) {
        List<Object> out = new ArrayList<>(tags.size());
        for (String t : tags) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t);
            m.put("label", io.roominvites.domain.Locales.label(t));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> user(DirectoryUser u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", u.email());
        m.put("firstName", u.firstName());
        m.put("lastName", u.lastName());
        return m;
    }

    static List<Object> roles() {
        List<Object> out = new ArrayList<>();
        for (Role r : Role.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.name());
            m.put("label", r.label());
            m.put("permissions", r.permissionIds());
            m.put("permissionLabels", r.permissionLabels());
            out.add(m);
        }
        return out;
    }

    /** An erasure as the admin routes answer it: never the address (the record keeps none). */
    static Map<String, Object> erasure(io.roominvites.domain.Erasure e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("erasureId", e.erasureId());
        m.put("status", e.status().name());
        m.put("invitesErased", e.invitesErased());
        m.put("roomsTouched", e.roomsTouched());
        m.put("startedAt", time(e.startedAt()));
        if (e.finishedAt() != null) {
            m.put("finishedAt", time(e.finishedAt()));
        }
        return m;
    }

    /** The answer to a started erasure: the erasure and the address it erases (the caller's own input, echoed once). */
    static Map<String, Object> startedErasure(io.roominvites.domain.Erasure e, String email) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("erasureId", e.erasureId());
        m.put("status", e.status().name());
        m.put("email", email);
        return m;
    }
}
