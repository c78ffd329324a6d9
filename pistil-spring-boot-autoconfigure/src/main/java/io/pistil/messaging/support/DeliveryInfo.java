package io.pistil.messaging.support;

import java.util.Map;

import io.pistil.messaging.Delivery;

/**
 * A delivery as a transport hands it to a handler.
 *
 * @param destination the queue or topic
 * @param id the message's id
 * @param redelivered whether it was delivered before
 * @param deliveryCount its deliveries, this one included
 * @param request whether its sender waits for a reply
 * @param headers its headers
 */
public record DeliveryInfo(String destination, String id, boolean redelivered, int deliveryCount, boolean request,
		Map<String, String> headers) implements Delivery {

}
