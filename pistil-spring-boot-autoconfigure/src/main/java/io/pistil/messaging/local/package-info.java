/**
 * Queues and topics on one machine: the arbiter's hub and the rings in the run directory.
 */
@NullMarked
package io.pistil.messaging.local;

import org.jspecify.annotations.NullMarked;
