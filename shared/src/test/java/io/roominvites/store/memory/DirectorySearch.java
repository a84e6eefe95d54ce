package io.roominvites.store.memory;

import io.roominvites.domain.DirectoryUser;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The directory's prefix search as the table answers it: each user is found by its email, first name, last name and
 * "first last" (lower case), the matches ordered by term then email (code point order, as DynamoDB orders its sort
 * keys' UTF-8 bytes), each user once.
 */
final class DirectorySearch {
    private DirectorySearch() {
    }

    static List<DirectoryUser> suggest(Collection<DirectoryUser> users, String prefix, int limit) {
        String p = prefix.trim().toLowerCase(Locale.ROOT);
        if (p.isEmpty()) {
            return List.of();
        }
        TreeMap<String, DirectoryUser> entries = new TreeMap<>(DirectorySearch::byCodePoints);
        for (DirectoryUser u : users) {
            for (String term : terms(u)) {
                String sortKey = term + "#" + u.email();
                if (sortKey.startsWith(p)) {
                    entries.put(sortKey, u);
                }
            }
        }
        Map<String, DirectoryUser> byEmail = new LinkedHashMap<>();
        for (DirectoryUser u : entries.values()) {
            if (byEmail.size() == limit) {
                break;
            }
            byEmail.putIfAbsent(u.email(), u);
        }
        return new ArrayList<>(byEmail.values());
    }

    private static Set<String> terms(DirectoryUser u) {
        Set<String> terms = new LinkedHashSet<>();
        terms.add(u.email());
        String first = lower(u.firstName());
        String last = lower(u.lastName());
        if (first != null) {
            terms.add(first);
        }
        if (last != null) {
            terms.add(last);
        }
        if (first != null && last != null) {
            terms.add(first + " " + last);
        }
        return terms;
    }

    private static String lower(String name) {
        return name == null || name.isBlank() ? null : name.trim().toLowerCase(Locale.ROOT);
    }

    private static int byCodePoints(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        return java.util.Arrays.compare(x, y);
    }
}
