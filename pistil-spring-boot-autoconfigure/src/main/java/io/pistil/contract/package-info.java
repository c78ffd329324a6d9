/**
 * What the arbiter and its children share: command-line arguments, settings and the
 * scoreboard.
 */
@NullMarked
package io.pistil.contract;

import org.jspecify.annotations.NullMarked;
