/**
 * Auto-configuration of messaging in the arbiter and in its workers.
 */
@NullMarked
package io.pistil.messaging.autoconfigure;

import org.jspecify.annotations.NullMarked;
