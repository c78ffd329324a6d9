/**
 * The entry point of a child JVM and the loops it runs: workers, tcp workers and
 * supervisors.
 */
@NullMarked
package io.pistil.child;

import org.jspecify.annotations.NullMarked;
