package io.roominvites.store;

import io.roominvites.domain.DirectoryUser;

import java.util.List;

/** The user directory behind the invite form's drop-down. */
public interface DirectoryStore {

    void putUser(DirectoryUser user);

    /** Deletes the user with this (normalised) email and their search entries; nothing when there is none. */
    void removeUser(String email);

    /** At most {@code limit} users whose email, first name or last name starts with {@code prefix}. */
    List<DirectoryUser> suggestUsers(String prefix, int limit);
}
