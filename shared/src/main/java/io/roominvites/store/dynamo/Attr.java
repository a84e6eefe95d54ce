package io.roominvites.store.dynamo;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small, allocation-light helpers between DynamoDB attribute values and Java values. */
final class Attr {
    static final AttributeValue TRUE = AttributeValue.fromBool(true);
    static final AttributeValue FALSE = AttributeValue.fromBool(false);

    private Attr() {
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    static AttributeValue time(Instant t) {
        return n(t.toEpochMilli());
    }

    static AttributeValue list(List<String> values) {
        List<AttributeValue> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(AttributeValue.fromS(v));
        }
        return AttributeValue.fromL(out);
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? null : v.s();
    }

    static long num(Map<String, AttributeValue> item, String name, long otherwise) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? otherwise : Long.parseLong(v.n());
    }

    static Instant instant(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(v.n()));
    }

    static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v != null && Boolean.TRUE.equals(v.bool());
    }

    static List<String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || !v.hasL()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(v.l().size());
        for (AttributeValue e : v.l()) {
            out.add(e.s());
        }
        return out;
    }

    /** A list of whole numbers, in order. */
    static AttributeValue numbers(List<Integer> values) {
        List<AttributeValue> out = new ArrayList<>(values.size());
        for (Integer v : values) {
            out.add(AttributeValue.fromN(Integer.toString(v)));
        }
        return AttributeValue.fromL(out);
    }

    /** A list of whole numbers written by {@link #numbers(List)}; null when the attribute is absent. */
    static List<Integer> numbers(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || !v.hasL()) {
            return null;
        }
        List<Integer> out = new ArrayList<>(v.l().size());
        for (AttributeValue e : v.l()) {
            out.add(Integer.parseInt(e.n()));
        }
        return out;
    }
}
