package io.roominvites.store;

import io.roominvites.store.contract.BulkWritesContract;
import io.roominvites.store.contract.ErasureContract;
import io.roominvites.store.contract.HistoryContract;
import io.roominvites.store.contract.IdempotencyContract;
import io.roominvites.store.contract.InviteListingContract;
import io.roominvites.store.contract.InviteWritesContract;
import io.roominvites.store.contract.RoomStoreContract;
import io.roominvites.store.contract.SendQuotaContract;
import io.roominvites.store.contract.SettingsAndDirectoryContract;
import io.roominvites.store.contract.StoreContract;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every {@link InviteStore} does, as its javadoc says, checked through the port only: one test interface per
 * part of the port (io.roominvites.store.contract), each test on a fresh, empty store. A store is trusted when its
 * subclass of this passes: {@code MemoryInviteStoreTest} (the fast tests' double) and, in integration-tests,
 * {@code DynamoInviteStoreContractTest} (the real store on DynamoDB Local). A double that this class does not check is
 * not one to test the service on.
 */
public abstract class InviteStoreContract implements StoreContract, SettingsAndDirectoryContract, RoomStoreContract,
        InviteWritesContract, InviteListingContract, BulkWritesContract, IdempotencyContract, HistoryContract,
        SendQuotaContract, ErasureContract {
    private InviteStore store;

    /** A new, empty store (each test gets its own). */
    protected abstract InviteStore newStore();

    @BeforeEach
    final void freshStore() {
        store = newStore();
    }

    @Override
    public final InviteStore store() {
        return store;
    }
}
