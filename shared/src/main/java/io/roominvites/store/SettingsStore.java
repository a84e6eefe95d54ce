package io.roominvites.store;

import io.roominvites.domain.SiteSettings;

import java.util.Optional;

/** The site's settings: one record. */
public interface SettingsStore {

    Optional<SiteSettings> loadSettings();

    void saveSettings(SiteSettings settings);
}
