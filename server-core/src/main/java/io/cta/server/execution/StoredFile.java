package io.cta.server.execution;

/**
 * An attachment or screenshot in the file store, as a result references it.
 *
 * @param id the GridFS file id (an ObjectId, never a path)
 * @param name the sanitized file name: no path, no control characters
 * @param size its length in bytes
 */
public record StoredFile(String id, String name, long size) {}
