package io.opensandbox.network;

import java.util.List;

/**
 * Items listed from the Credential Vault with the vault revision they were read at (the official SDKs drop it).
 *
 * @param <T> the item type
 * @param revision the vault revision
 * @param items the items, unmodifiable
 */
public record RevisionedList<T>(long revision, List<T> items) {

    /**
     * Copies the items.
     *
     * @param revision the vault revision
     * @param items the items
     */
    public RevisionedList {
        items = List.copyOf(items);
    }
}
