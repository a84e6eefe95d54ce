package io.roominvites.i18n;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Role;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's catalogs: no language misses a key another has; English is ErrorCode's own words. */
class MessagesTest {
    @Test
    void everyCatalogHasExactlyTheKeysOfEveryOther() {
        for (String lang : Messages.LANGUAGES) {
            assertEquals(Messages.keys("en"), Messages.keys(lang), lang);
        }
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(Messages.keys("en").contains("error." + code.name()), code.name());
        }
        for (Role role : Role.values()) {
            assertTrue(Messages.keys("en").contains("role." + role.name()), role.name());
            for (Role.Permission p : role.permissions()) {
                assertTrue(Messages.keys("en").contains("permission." + p.id()), p.id());
            }
        }
    }

    @Test
    void englishIsTheErrorCodesOwnMessageAndTheOthersAreTranslated() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code.defaultMessage(), Messages.text("en", "error." + code.name()), code.name());
            for (String lang : Messages.LANGUAGES.subList(1, Messages.LANGUAGES.size())) {
                assertNotEquals(code.defaultMessage(), Messages.text(lang, "error." + code.name()), lang + " " + code);
            }
        }
        assertEquals(Role.VIEWER.label(), Messages.text("en", "role.VIEWER"));
    }

    @Test
    void acceptLanguageIsNegotiatedByWeightAndLanguage() {
        assertEquals("de", Messages.negotiate("de-CH"));
        assertEquals("es", Messages.negotiate("fr;q=0.9, es-MX;q=0.8, en;q=0.1"));
        assertEquals("ar", Messages.negotiate("ar-EG,ar;q=0.9"));
        assertEquals("en", Messages.negotiate("fr"));
        assertEquals("en", Messages.negotiate(null));
        assertEquals("en", Messages.negotiate("q=;;,"));
        assertEquals("Se ha producido un error por nuestra parte. Indique el identificador de solicitud req-1 al comunicarlo.",
                Messages.text("es", "error.INTERNAL.requestId", "req-1"));
    }
}
