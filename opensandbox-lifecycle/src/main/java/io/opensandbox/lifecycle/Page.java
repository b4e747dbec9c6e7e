package io.opensandbox.lifecycle;

import java.util.List;
import java.util.Objects;

/**
 * One page of a listing.
 *
 * @param <T> the item type
 * @param items the items of this page
 * @param pagination where the page sits
 */
public record Page<T>(List<T> items, Pagination pagination) {

    /**
     * Copies the items.
     *
     * @param items the items of this page
     * @param pagination where the page sits
     */
    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(pagination, "pagination");
    }
}
