/**
 * The workers' start-up cache: class archives the JVM maps at start (AppCDS on JDK 17 to
 * 24, the AOT cache from JDK 25), trained once per class path, JVM and options, and kept
 * between runs.
 */
@NullMarked
package io.pistil.cache;

import org.jspecify.annotations.NullMarked;
