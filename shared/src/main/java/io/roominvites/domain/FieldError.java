package io.roominvites.domain;

/** One problem with one request field, as in {@code "fields": [{"field": "email", "problem": "..."}]}. */
public record FieldError(String field, String problem) {
}
