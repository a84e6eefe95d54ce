package io.roominvites.store.dynamo;

import io.roominvites.domain.DirectoryUser;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;

/**
 * The directory's items, read and written here only: a user ({@code USER#{email}}, {@code #USER}) and its search
 * entries ({@code DIR#{first character}}, {@code {term}#{email}}), one per email, first name, last name and
 * "first last", in lower case.
 */
final class UserItems {
    private UserItems() {
    }

    static Map<String, AttributeValue> userKey(String email) {
        return Keys.key("USER#" + email, "#USER");
    }

    static Map<String, AttributeValue> userItem(DirectoryUser user) {
        Map<String, AttributeValue> item = new HashMap<>(userKey(user.email()));
        item.put("type", s("USER"));
        item.put("email", s(user.email()));
        item.put("firstName", s(user.firstName()));
        item.put("lastName", s(user.lastName()));
        return item;
    }

    /** A user, from its item or from one of its search entries (both carry the names). */
    static DirectoryUser user(Map<String, AttributeValue> item) {
        return new DirectoryUser(str(item, "email"), str(item, "firstName"), str(item, "lastName"));
    }

    static Set<String> searchTerms(DirectoryUser user) {
        Set<String> terms = new LinkedHashSet<>();
        terms.add(user.email());
        for (String name : new String[]{user.firstName(), user.lastName()}) {
            if (name != null && !name.isBlank()) {
                terms.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (user.firstName() != null && !user.firstName().isBlank() && user.lastName() != null && !user.lastName().isBlank()) {
            // the whole name as a person types it ("Zoe Q"), so a query that goes on past the first name still matches
            terms.add((user.firstName().trim() + " " + user.lastName().trim()).toLowerCase(Locale.ROOT));
        }
        return terms;
    }

    /** The partition of the search entries of terms starting like {@code prefix} (lower case, not empty). */
    static String searchPartition(String prefix) {
        return "DIR#" + prefix.substring(0, prefix.offsetByCodePoints(0, 1));
    }

    static Map<String, AttributeValue> searchKey(String term, String email) {
        return Keys.key(searchPartition(term), term + "#" + email);
    }

    static Map<String, AttributeValue> searchEntry(String term, DirectoryUser user) {
        Map<String, AttributeValue> entry = new HashMap<>(searchKey(term, user.email()));
        entry.put("type", s("USER_SEARCH"));
        entry.put("email", s(user.email()));
        entry.put("firstName", s(user.firstName()));
        entry.put("lastName", s(user.lastName()));
        return entry;
    }
}
