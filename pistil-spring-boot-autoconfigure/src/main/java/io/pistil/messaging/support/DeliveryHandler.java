package io.pistil.messaging.support;

/**
 * Handles one delivery: a listener method behind its conversions.
 */
@FunctionalInterface
public interface DeliveryHandler {

	/**
	 * Handles a message.
	 * @param message the message
	 * @param delivery what is known of its delivery
	 * @return the reply, for a request, or null
	 * @throws Exception to reject the message: it is delivered again, or dead-lettered
	 * after max-deliveries
	 */
	Envelope handle(Envelope message, DeliveryInfo delivery) throws Exception;

}
