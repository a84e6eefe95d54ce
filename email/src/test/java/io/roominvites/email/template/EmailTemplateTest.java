package io.roominvites.email.template;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailTemplateTest {
    /** docs/api.md, "Email template data". */
    static final Set<String> CONTRACT = Set.of("firstName", "lastName", "roomTitle", "roomDescription", "startsAt",
            "startsAtText", "roleLabel", "permissions", "inviterName", "expiresAt", "expiresAtText", "inviteLink", "accessCode",
            // (v3) In the invitee's language
            "locale", "timeZone", "startsAtLocalText", "expiresAtLocalText");

    @Test
    void theDefaultTemplateIsTheSesV2DocumentShippedInEmailTemplates() {
        EmailTemplate t = EmailTemplate.defaultInvitation();
        assertEquals(EmailTemplate.DEFAULT_NAME, t.name());
        assertNotNull(t.html());
        assertNotNull(t.text());
        assertEquals(t, EmailTemplate.fromJson(t.toJson()));
    }

    @Test
    void theDefaultTemplateUsesOnlyTheContractsNames() {
        EmailTemplate t = EmailTemplate.defaultInvitation();
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\{\\{\\{?[#/^]?(?:if |unless |each |with )?\\s*([A-Za-z]+)").matcher(t.subject() + t.html() + t.text());
        while (m.find()) {
            used.add(m.group(1));
        }
        used.removeAll(Set.of("this", "else", "if", "each", "unless", "with"));
        assertTrue(CONTRACT.containsAll(used), "not in the contract: " + used);
        assertTrue(used.containsAll(Set.of("firstName", "roomTitle", "startsAtLocalText", "roleLabel", "permissions",
                "inviterName", "expiresAtLocalText", "inviteLink", "accessCode")), used.toString());
    }
}
