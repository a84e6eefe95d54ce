package io.roominvites.it.sim;

import io.roominvites.store.InviteStore;

import java.lang.reflect.RecordComponent;

/**
 * {@link Defect#STALE_ROOM_GRANT}: rewrites a refused write's "the room's answer is unknown" into "the room is
 * unchanged", as the old rule read a cancelled transaction whose gate said anything but ConditionalCheckFailed.
 * Reflective so that it follows the shape of {@code Replaced.Changed} (a boolean before item 4, a reason after).
 */
final class StaleRoom {
    private StaleRoom() {
    }

    static InviteStore.Replaced asUnchanged(InviteStore.Replaced.Changed changed) {
        try {
            RecordComponent[] parts = InviteStore.Replaced.Changed.class.getRecordComponents();
            Object[] values = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            boolean rewritten = false;
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                values[i] = parts[i].getAccessor().invoke(changed);
                if (types[i].isEnum() && values[i] != null && ((Enum<?>) values[i]).name().toUpperCase().contains("UNKNOWN")) {
                    for (Object c : types[i].getEnumConstants()) {
                        if (((Enum<?>) c).name().toUpperCase().contains("UNCHANGED")) {
                            values[i] = c;
                            rewritten = true;
                        }
                    }
                }
            }
            if (!rewritten) {
                return changed; // before item 4 the store takes an unknown answer as unchanged itself
            }
            return InviteStore.Replaced.Changed.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
