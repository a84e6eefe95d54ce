package io.roominvites.service;

import io.roominvites.domain.SiteSettings;
import io.roominvites.store.InviteStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Site settings cached per container for at most {@code maxAge} (documented staleness: a switch or a
 * blocked domain changed by an administrator reaches other containers within that time; the container
 * that saved them sees them at once). Settings are read on almost every request and change rarely.
 */
public final class SettingsCache {
    private final InviteStore store;
    private final Clock clock;
    private final Duration maxAge;
    private volatile Entry entry;

    private record Entry(SiteSettings settings, Instant loadedAt) {
    }

    public SettingsCache(InviteStore store, Clock clock, Duration maxAge) {
        this.store = store;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    public SiteSettings get() {
        Entry e = entry;
        Instant now = clock.instant();
        if (e == null || maxAge.isZero() || !now.isBefore(e.loadedAt.plus(maxAge)) || now.isBefore(e.loadedAt)) {
            SiteSettings loaded = store.loadSettings().orElseGet(SiteSettings::defaults);
            entry = new Entry(loaded, now);
            return loaded;
        }
        return e.settings;
    }

    public void save(SiteSettings settings) {
        store.saveSettings(settings);
        entry = new Entry(settings, clock.instant());
    }

    public void invalidate() {
        entry = null;
    }
}
