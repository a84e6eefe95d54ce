package io.roominvites.http;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.FieldError;
import io.roominvites.domain.InviteException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@link Body}: a request body read field by field, every problem collected and told at once. */
class BodyTest {

    private static List<String> problemsOf(Body b) {
        return b.problems().stream().map(p -> p.field() + " " + p.problem()).toList();
    }

    @Test
    void onlyAJsonObjectIsABody() {
        for (String raw : new String[]{null, "", "  ", "[1]", "nope", "{\"a\":"}) {
            InviteException e = assertThrows(InviteException.class, () -> Body.parse(raw), String.valueOf(raw));
            assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        }
    }

    @Test
    void aStringIsTrimmedRequiredWhenAskedAndAtMostItsLength() {
        Body b = Body.parse("{\"name\":\"  Ada  \",\"blank\":\"   \",\"long\":\"abcdef\",\"number\":5}");
        assertEquals("Ada", b.string("name", true, 3));
        assertNull(b.string("blank", true, 10));
        assertNull(b.string("long", false, 5));
        assertNull(b.string("number", false, 5));
        assertNull(b.string("absent", true, 5));
        assertNull(b.string("optional", false, 5));
        assertEquals(List.of("blank is required", "long must be at most 5 characters", "number must be a string",
                "absent is required"), problemsOf(b));
    }

    @Test
    void controlAndTextDirectionCharactersAreRefusedButLineBreaksAndJoinersAreNot() {
        Body b = Body.parse("{\"bell\":\"a\\u0007b\",\"rlo\":\"evil\\u202Etxt.exe\",\"zwsp\":\"a\\u200Bb\","
                + "\"ok\":\"line\\nnext\\ttab\",\"joiner\":\"\\uD83D\\uDC69\\u200D\\uD83D\\uDCBB\"}");
        assertNull(b.string("bell", true, 50));
        assertNull(b.string("rlo", true, 50));
        assertNull(b.string("zwsp", true, 50));
        assertEquals("line\nnext\ttab", b.string("ok", true, 50));
        assertEquals("\uD83D\uDC69\u200D\uD83D\uDCBB", b.string("joiner", true, 50));
        assertEquals(List.of("bell", "rlo", "zwsp"), b.problems().stream().map(FieldError::field).toList());
    }

    @Test
    void aBooleanIsTrueOrFalseOnly() {
        Body b = Body.parse("{\"yes\":true,\"text\":\"true\"}");
        assertEquals(true, b.bool("yes", true, null));
        assertEquals(false, b.bool("text", false, false));
        assertEquals(false, b.bool("absent", false, false));
        assertNull(b.bool("required", true, null));
        assertEquals(List.of("text must be true or false", "required is required"), problemsOf(b));
    }

    @Test
    void anIntegerIsWholeAndWithinItsRange() {
        Body b = Body.parse("{\"five\":5,\"twoPointZero\":2.0,\"half\":2.5,\"big\":51,\"low\":0,\"text\":\"5\"}");
        assertEquals(5L, b.integer("five", true, 1, 50, null));
        assertEquals(2L, b.integer("twoPointZero", true, 1, 50, null));
        assertNull(b.integer("half", true, 1, 50, null));
        assertNull(b.integer("big", true, 1, 50, null));
        assertEquals(7L, b.integer("low", false, 1, 50, 7L));
        assertNull(b.integer("text", true, 1, 50, null));
        assertEquals(List.of("half must be a whole number", "big must be between 1 and 50",
                "low must be between 1 and 50", "text must be a whole number"), problemsOf(b));
    }

    @Test
    void aTimeIsAnIsoInstantBetween1970And9999() {
        Body b = Body.parse("{\"ok\":\"2026-11-23T20:00:00Z\",\"local\":\"2026-11-23T20:00\",\"early\":\"1969-12-31T23:59:59Z\","
                + "\"late\":\"+10000-01-01T00:00:00Z\",\"last\":\"9999-12-31T23:59:59Z\"}");
        assertEquals(Instant.parse("2026-11-23T20:00:00Z"), b.instant("ok", true));
        assertNull(b.instant("local", true));
        assertNull(b.instant("early", true));
        assertNull(b.instant("late", true));
        assertEquals(Instant.parse("9999-12-31T23:59:59Z"), b.instant("last", true));
        assertEquals(List.of("local", "early", "late"), b.problems().stream().map(FieldError::field).toList());
    }

    @Test
    void aListOfStringsHasAtMostItsItemsEachNonEmpty() {
        Body b = Body.parse("{\"ok\":[\" a \",\"b\"],\"many\":[\"a\",\"b\",\"c\"],\"blank\":[\"a\",\" \"],\"mixed\":[\"a\",1],"
                + "\"notAList\":\"a\"}");
        assertEquals(List.of("a", "b"), b.strings("ok", 2, 10));
        assertEquals(List.of(), b.strings("many", 2, 10));
        assertEquals(List.of(), b.strings("blank", 2, 10));
        assertEquals(List.of(), b.strings("mixed", 2, 10));
        assertEquals(List.of(), b.strings("notAList", 2, 10));
        assertEquals(List.of(), b.strings("absent", 2, 10));
        assertEquals(List.of("many", "blank", "mixed", "notAList"), b.problems().stream().map(FieldError::field).toList());
    }

    @Test
    void checkThrowsEveryProblemAtOnce() {
        Body b = Body.parse("{}");
        b.check(); // nothing wrong yet
        b.string("a", true, 5);
        b.bool("b", true, null);
        InviteException e = assertThrows(InviteException.class, b::check);
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertEquals(List.of("a", "b"), e.fields().stream().map(FieldError::field).toList());
        assertFalse(b.has("a"));
    }
}
