package io.roominvites.local.template;

/** A template that can't be rendered: malformed, or using what SES templates can't (custom helpers, partials). */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }
}
