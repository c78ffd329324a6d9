package io.pistil.messaging;

import java.util.Map;

/**
 * What a {@link PistilListener} method may learn about the message it handles: declare a
 * parameter of this type.
 */
public interface Delivery {

	/** The queue or topic the message came from. */
	String destination();

	/** The message's id, the same on every delivery of it. */
	String id();

	/**
	 * Whether the message has been delivered before: its consumer died or its handler
	 * failed. Handlers should be idempotent.
	 */
	boolean redelivered();

	/** How many times the message has been delivered, this time included. */
	int deliveryCount();

	/** The message's headers, its content type among them. */
	Map<String, String> headers();

}
