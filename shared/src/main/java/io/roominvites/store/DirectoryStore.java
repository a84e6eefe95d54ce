package io.roominvites.store;

import io.roominvites.domain.DirectoryUser;

import java.util.List;

/** The user directory behind the invite form's drop-down. */
public interface DirectoryStore {

    void putUser(DirectoryUser user);

    /** At most {@code limit} users whose email, first name or last name starts with {@code prefix}. */
    List<DirectoryUser> suggestUsers(String prefix, int limit);
}
