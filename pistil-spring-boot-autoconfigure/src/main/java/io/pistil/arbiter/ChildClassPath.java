package io.pistil.arbiter;

import io.pistil.cache.StartupCache;

/**
 * What the children start from: their class path, and the start-up cache made for it.
 *
 * @param entries the class path
 * @param cache the start-up cache, or null for none
 */
record ChildClassPath(String entries, StartupCache cache) {
}
