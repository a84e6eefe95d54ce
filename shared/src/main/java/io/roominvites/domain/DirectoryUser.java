package io.roominvites.domain;

/** A person in the site's user directory, behind the invitee drop-down. */
public record DirectoryUser(String email, String firstName, String lastName) {
}
