package io.roominvites.store.contract;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.SiteSettings;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link io.roominvites.store.SettingsStore} and {@link io.roominvites.store.DirectoryStore}. */
public interface SettingsAndDirectoryContract extends StoreContract {

    @Test
    default void aNewStoreHasNoSettings() {
        assertEquals(Optional.empty(), store().loadSettings());
    }

    @Test
    default void savedSettingsReadBackWholeAndTheLastSaveWins() {
        SiteSettings first = new SiteSettings(true, "invite-email", List.of("blocked.example", "spam.example"), 90,
                "https://events.example.com/join", 7);
        store().saveSettings(first);
        assertEquals(Optional.of(first), store().loadSettings());

        SiteSettings second = new SiteSettings(false, null, List.of(), 1440, null, 1);
        store().saveSettings(second);
        assertEquals(Optional.of(second), store().loadSettings());
    }

    @Test
    default void aUserIsFoundByTheStartOfItsEmailFirstNameLastNameOrWholeName() {
        DirectoryUser ada = new DirectoryUser("ada@example.org", "Ada", "Lovelace");
        store().putUser(ada);
        store().putUser(new DirectoryUser("grace@example.org", "Grace", "Hopper"));
        for (String prefix : List.of("ada@", "ada", "love", "ada love", "  ADA  ", "Lovelace")) {
            assertEquals(List.of(ada), store().suggestUsers(prefix, 10), prefix);
        }
        assertEquals(List.of(), store().suggestUsers("zed", 10));
        assertEquals(List.of(), store().suggestUsers("lovelace ada", 10), "the whole name is first then last");
    }

    @Test
    default void aBlankPrefixFindsNobody() {
        store().putUser(new DirectoryUser("ada@example.org", "Ada", "Lovelace"));
        assertEquals(List.of(), store().suggestUsers("", 10));
        assertEquals(List.of(), store().suggestUsers("   ", 10));
    }

    @Test
    default void eachUserIsSuggestedOnceAndNoMoreThanTheLimit() {
        for (int i = 1; i <= 6; i++) {
            // "sam" starts this user's email, first name and whole name: still one suggestion
            store().putUser(new DirectoryUser("sam" + i + "@example.org", "Sam", "Smith" + i));
        }
        List<DirectoryUser> all = store().suggestUsers("sam", 10);
        assertEquals(6, all.size(), all::toString);
        assertEquals(6, new HashSet<>(all).size(), all::toString);
        assertEquals(4, store().suggestUsers("sam", 4).size());
        assertEquals(1, store().suggestUsers("s", 1).size());
    }

    @Test
    default void aRenamedUserIsFoundByItsNewNameOnly() {
        store().putUser(new DirectoryUser("ada@example.org", "Ada", "Byron"));
        DirectoryUser renamed = new DirectoryUser("ada@example.org", "Ada", "Lovelace");
        store().putUser(renamed);
        assertEquals(List.of(), store().suggestUsers("byron", 10));
        assertEquals(List.of(renamed), store().suggestUsers("lovelace", 10));
        assertEquals(List.of(renamed), store().suggestUsers("ada", 10), "the name as it is now");
    }

    @Test
    default void suggestionsCarryTheNamesAsStored() {
        store().putUser(new DirectoryUser("zoe@example.org", "Zoë", "Quinn"));
        store().putUser(new DirectoryUser("zoltan@example.org", "Zoltán", "Kodály"));
        Set<String> names = new HashSet<>();
        for (DirectoryUser u : store().suggestUsers("zo", 10)) {
            names.add(u.firstName() + " " + u.lastName());
        }
        assertEquals(Set.of("Zoë Quinn", "Zoltán Kodály"), names);
        assertEquals(List.of("zoe@example.org"),
                store().suggestUsers("Zoë Q", 10).stream().map(DirectoryUser::email).toList());
    }
}
