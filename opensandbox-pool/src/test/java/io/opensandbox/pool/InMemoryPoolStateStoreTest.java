package io.opensandbox.pool;

import io.opensandbox.pool.tck.PoolStateStoreContract;

/** The store contract on {@link InMemoryPoolStateStore}. */
class InMemoryPoolStateStoreTest extends PoolStateStoreContract {
    private final InMemoryPoolStateStore store = InMemoryPoolStateStore.create();

    @Override
    protected PoolStateStore store() {
        return store;
    }
}
