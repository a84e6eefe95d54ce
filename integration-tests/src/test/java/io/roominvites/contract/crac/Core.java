package io.roominvites.contract.crac;

import java.util.ArrayList;
import java.util.List;

/**
 * A SnapStart publish in one call: {@link #checkpointRestore()} runs every registered resource's
 * {@code beforeCheckpoint} (last registered first, as CRaC does), then, as if the snapshot were restored,
 * every {@code afterRestore} (first registered first). Resources are held strongly here; the functions keep
 * their own strong references as they must in Lambda.
 */
public final class Core {
    private static final List<Resource> RESOURCES = new ArrayList<>();
    private static final Context<Resource> GLOBAL = new Context<>() {
        @Override
        public void register(Resource resource) {
            synchronized (RESOURCES) {
                RESOURCES.add(resource);
            }
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            throw new UnsupportedOperationException("call Core.checkpointRestore()");
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            throw new UnsupportedOperationException("call Core.checkpointRestore()");
        }
    };

    private Core() {
    }

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    public static void checkpointRestore() throws CheckpointException, RestoreException {
        List<Resource> resources;
        synchronized (RESOURCES) {
            resources = List.copyOf(RESOURCES);
        }
        List<Resource> reversed = new ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        for (Resource r : reversed) {
            try {
                r.beforeCheckpoint(GLOBAL);
            } catch (Exception e) {
                throw new CheckpointException(e);
            }
        }
        for (Resource r : resources) {
            try {
                r.afterRestore(GLOBAL);
            } catch (Exception e) {
                throw new RestoreException(e);
            }
        }
    }

    /** How many resources registered (the runner reports it). */
    public static int registered() {
        synchronized (RESOURCES) {
            return RESOURCES.size();
        }
    }
}
