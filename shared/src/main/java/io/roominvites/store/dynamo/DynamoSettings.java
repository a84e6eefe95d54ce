package io.roominvites.store.dynamo;

import io.roominvites.domain.SiteSettings;
import io.roominvites.store.SettingsStore;

import java.util.Optional;

/** {@link SettingsStore} on the table: one item, read consistently. */
final class DynamoSettings implements SettingsStore {
    private final Table table;

    DynamoSettings(Table table) {
        this.table = table;
    }

    @Override
    public Optional<SiteSettings> loadSettings() {
        return Optional.ofNullable(table.get(SettingsItems.key())).map(SettingsItems::settings);
    }

    @Override
    public void saveSettings(SiteSettings settings) {
        Calls.write(() -> table.db.putItem(b -> b.tableName(table.name).item(SettingsItems.item(settings))));
    }
}
