package io.roominvites.json;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {

    enum Colour { RED }

    /** What the service wrote before (nimbus's Gson: serializeNulls, no HTML escaping) is the reference. */
    private static void sameAsNimbus(Map<String, ?> value) {
        assertEquals(JSONObjectUtils.toJSONString(value), Json.write(value));
    }

    @Test
    void writesEveryValueKindAsGsonDid() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "plain");
        m.put("null", null);
        m.put("t", true);
        m.put("f", false);
        m.put("int", 42);
        m.put("neg", -7L);
        m.put("long", Long.MAX_VALUE);
        m.put("short", (short) 3);
        m.put("double", 235.117518);
        m.put("whole double", 2.0);
        m.put("tiny", 1e-7);
        m.put("huge", 1e21);
        m.put("float", 1.5f);
        m.put("big decimal", new BigDecimal("12.3400"));
        m.put("big integer", new BigInteger("123456789012345678901234567890"));
        m.put("list", List.of(1, "two", List.of(), Map.of()));
        m.put("empty", new LinkedHashMap<>());
        m.put("nested", new LinkedHashMap<>(Map.of("k", Arrays.asList(null, "x"))));
        m.put("enum", Colour.RED);
        m.put("html", "<a href='x'>&amp;</a> = ok");
        sameAsNimbus(m);
    }

    @Test
    void escapesStringsAsGsonDid() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            every.append(c);
        }
        every.append("\u2028\u2029\u00e9\u4e2d\ud83d\ude00 \"quoted\" back\\slash");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("every", every.toString());
        m.put("key \"with\" \n escapes", "v");
        m.put("", "");
        sameAsNimbus(m);
    }

    @Test
    void randomStructuresMatchAndParseBack() throws ParseException {
        Random random = new Random(20261125);
        for (int i = 0; i < 300; i++) {
            Map<String, Object> m = randomObject(random, 3);
            sameAsNimbus(m);
            assertEquals(JSONObjectUtils.toJSONString(m), JSONObjectUtils.toJSONString(Json.parseObject(Json.write(m))));
        }
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("nan", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("inf", Double.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("time", java.time.Instant.EPOCH)));
    }

    @Test
    void parseObjectRefusesAnythingButAnObject() {
        for (String text : new String[]{"null", "[]", "1", "\"s\"", "", "{", "{\"a\":}"}) {
            assertThrows(ParseException.class, () -> Json.parseObject(text), text);
        }
    }

    private static Map<String, Object> randomObject(Random r, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            m.put(randomString(r), randomValue(r, depth - 1));
        }
        return m;
    }

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 0 ? 9 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextLong();
            case 3 -> r.nextInt(1000) - 500;
            case 4 -> r.nextDouble() * Math.pow(10, r.nextInt(30) - 15);
            case 5, 6 -> randomString(r);
            case 7 -> randomObject(r, depth);
            default -> {
                List<Object> list = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(r, depth - 1));
                }
                yield list;
            }
        };
    }

    private static String randomString(Random r) {
        char[] pool = "ab\"\\\n\t\u0001\u001f \u00e9\u2028/<>&'".toCharArray();
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            s.append(pool[r.nextInt(pool.length)]);
        }
        return s.toString();
    }
}
