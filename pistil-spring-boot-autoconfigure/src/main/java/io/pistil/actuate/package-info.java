/**
 * The {@code pistil} actuator endpoint, its web extension, health contributor and
 * metrics.
 */
@NullMarked
package io.pistil.actuate;

import org.jspecify.annotations.NullMarked;
