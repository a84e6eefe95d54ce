package io.roominvites.store.dynamo;

import io.roominvites.domain.SendLimits;
import io.roominvites.domain.SiteSettings;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.bool;
import static io.roominvites.store.dynamo.Attr.num;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;
import static io.roominvites.store.dynamo.Attr.strings;

/** The site settings' item ({@code SITE}, {@code #SETTINGS}), read and written here only. */
final class SettingsItems {
    private SettingsItems() {
    }

    static Map<String, AttributeValue> key() {
        return Keys.key("SITE", "#SETTINGS");
    }

    static Map<String, AttributeValue> item(SiteSettings s) {
        Map<String, AttributeValue> item = new HashMap<>(key());
        item.put("type", s("SETTINGS"));
        item.put("inviteToMediaEnabled", AttributeValue.fromBool(s.inviteToMediaEnabled()));
        if (s.emailTemplateName() != null) {
            item.put("emailTemplateName", s(s.emailTemplateName()));
        }
        item.put("blockedDomains", Attr.list(s.blockedDomains()));
        item.put("linkTtlMinutes", Attr.n(s.linkTtlMinutes()));
        if (s.linkBaseUrl() != null) {
            item.put("linkBaseUrl", s(s.linkBaseUrl()));
        }
        item.put("linkMaxDevices", Attr.n(s.linkMaxDevices()));
        item.put("perManagerPerDay", Attr.n(s.sendLimits().perManagerPerDay()));
        item.put("perRoomPerDay", Attr.n(s.sendLimits().perRoomPerDay()));
        item.put("resendCooldownSeconds", Attr.n(s.sendLimits().resendCooldownSeconds()));
        item.put("reminderMinutesBefore", Attr.numbers(s.reminderMinutesBefore()));
        item.put("guestLinksPerRoom", Attr.n(s.guestLinksPerRoom()));
        item.put("defaultLocale", s(s.defaultLocale()));
        item.put("locales", Attr.list(s.locales()));
        return item;
    }

    static SiteSettings settings(Map<String, AttributeValue> item) {
        return new SiteSettings(bool(item, "inviteToMediaEnabled"), str(item, "emailTemplateName"),
                strings(item, "blockedDomains"),
                (int) num(item, "linkTtlMinutes", SiteSettings.DEFAULT_LINK_TTL_MINUTES), str(item, "linkBaseUrl"),
                (int) num(item, "linkMaxDevices", SiteSettings.DEFAULT_LINK_MAX_DEVICES),
                new SendLimits((int) num(item, "perManagerPerDay", SendLimits.DEFAULT_PER_MANAGER_PER_DAY),
                        (int) num(item, "perRoomPerDay", SendLimits.DEFAULT_PER_ROOM_PER_DAY),
                        (int) num(item, "resendCooldownSeconds", SendLimits.DEFAULT_RESEND_COOLDOWN_SECONDS)),
                Attr.numbers(item, "reminderMinutesBefore"),
                (int) num(item, "guestLinksPerRoom", SiteSettings.DEFAULT_GUEST_LINKS_PER_ROOM), str(item, "defaultLocale"),
                item.containsKey("locales") ? strings(item, "locales") : null);
    }
}
