/**
 * The worker API: {@code @PistilWorker}, {@code Worker} and what a worker sees of its
 * pool.
 */
@NullMarked
package io.pistil.worker;

import org.jspecify.annotations.NullMarked;
