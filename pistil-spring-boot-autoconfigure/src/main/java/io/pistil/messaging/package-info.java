/**
 * The messaging API: {@code PistilMessaging}, {@code @PistilListener} and deliveries.
 */
@NullMarked
package io.pistil.messaging;

import org.jspecify.annotations.NullMarked;
