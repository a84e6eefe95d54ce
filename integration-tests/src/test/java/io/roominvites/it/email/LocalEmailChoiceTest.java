package io.roominvites.it.email;

import io.roominvites.email.EmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.local.LocalEmail;
import io.roominvites.local.OutboxEmailGateway;
import io.roominvites.testing.EmulatorBackend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the local runner picks its email backend, and that it creates the default template in it at start-up. */
class LocalEmailChoiceTest {

    @Test
    void byDefaultALocalOutboxWithTheDefaultTemplate(@TempDir Path dir) {
        EmailGateway email = LocalEmail.choose("http://127.0.0.1:3000", Map.of("LOCAL_OUTBOX_DIR", dir.toString()));
        OutboxEmailGateway outbox = assertInstanceOf(OutboxEmailGateway.class, email);
        assertEquals(dir.toAbsolutePath().normalize(), outbox.dir());
        assertTrue(outbox.templateExists(EmailTemplate.DEFAULT_NAME));
    }

    @Test
    void theOutboxLivesNextToTheLocalDataWhenThereIsSome(@TempDir Path dir) {
        EmailGateway email = LocalEmail.choose("http://127.0.0.1:3000", Map.of("LOCAL_DATA_DIR", dir.toString()));
        assertEquals(dir.resolve("outbox").toAbsolutePath().normalize(), ((OutboxEmailGateway) email).dir());
    }

    @Test
    void withAnSesV2EndpointItSendsThereAndCreatesTheTemplateThere() {
        EmulatorBackend emulator = EmulatorBackend.shared();
        String endpoint = emulator.sesEndpoint().toString();
        try (SesV2Client ses = EmailSupport.sesClient(emulator)) {
            EmailSupport.deleteTemplate(ses, EmailTemplate.DEFAULT_NAME);
            EmailGateway email = LocalEmail.choose("http://127.0.0.1:3000", Map.of("AWS_ENDPOINT_URL_SESV2", endpoint));
            LocalEmail.ViaEndpoint via = assertInstanceOf(LocalEmail.ViaEndpoint.class, email);
            assertEquals(endpoint, via.endpoint().toString());
            assertTrue(email.templateExists(EmailTemplate.DEFAULT_NAME), "created at start-up");
            ses.getEmailTemplate(b -> b.templateName(EmailTemplate.DEFAULT_NAME));

            String to = EmailSupport.uniqueEmail("via-endpoint");
            var outcome = email.send(to, EmailTemplate.DEFAULT_NAME, Map.of("firstName", "Gia", "roomTitle", "Demo",
                    "permissions", List.of("Chat"), "inviteLink", "https://events.example.com/join#invite=abc.def.ghi"));
            assertTrue(outcome.sent(), String.valueOf(outcome));
            List<StoredEmail> mail = EmailSupport.mailTo(emulator, to);
            assertEquals(1, mail.size());
            assertEquals("You're invited: Demo", mail.getFirst().subject());
        }
    }

    @Test
    void theGlobalEndpointVariableWorksToo() {
        EmulatorBackend emulator = EmulatorBackend.shared();
        EmailGateway email = LocalEmail.choose("http://127.0.0.1:3000",
                Map.of("AWS_ENDPOINT_URL", emulator.sesEndpoint().toString() + "/"));
        assertInstanceOf(LocalEmail.ViaEndpoint.class, email);
        assertTrue(email.templateExists(EmailTemplate.DEFAULT_NAME));
    }
}
