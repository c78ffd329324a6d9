/**
 * The native layer: spawning, signalling and reaping processes, behind
 * {@code ProcessControl}.
 */
@NullMarked
package io.pistil.process;

import org.jspecify.annotations.NullMarked;
