package io.roominvites.store.memory;

import io.roominvites.store.InviteStore;
import io.roominvites.store.InviteStoreContract;

/** The in-memory double held to the store's contract: what makes the fast tests' store one to trust. */
class MemoryInviteStoreTest extends InviteStoreContract {
    @Override
    protected InviteStore newStore() {
        return new MemoryInviteStore();
    }
}
