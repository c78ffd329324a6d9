package io.pistil.messaging;

/**
 * One queue's figures, as the actuator endpoint and the {@code pistil.queue.*} meters
 * show them.
 *
 * @param depth messages waiting for a consumer
 * @param inFlight messages delivered and not yet acknowledged
 * @param sent messages sent to the queue
 * @param acknowledged deliveries acknowledged (handled)
 * @param redelivered deliveries of a message delivered before
 * @param deadLettered messages given up after max-deliveries
 */
public record QueueStatistics(long depth, long inFlight, long sent, long acknowledged, long redelivered,
		long deadLettered) {

}
