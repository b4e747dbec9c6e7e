package io.opensandbox.lifecycle;

/**
 * Where a page sits in a listing.
 *
 * @param page the page number, from 1
 * @param pageSize the page size
 * @param totalItems the items matching the filter
 * @param totalPages the number of pages
 * @param hasNextPage whether a page follows
 */
public record Pagination(int page, int pageSize, long totalItems, int totalPages, boolean hasNextPage) {}
