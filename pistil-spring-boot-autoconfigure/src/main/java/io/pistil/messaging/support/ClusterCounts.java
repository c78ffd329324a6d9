package io.pistil.messaging.support;

/**
 * What a cluster transport tells its arbiter of the messages it handles, so that the
 * arbiter's figures of a cluster queue count its workers' deliveries too.
 */
public interface ClusterCounts {

	/** A message was sent to the queue from here. */
	void sent(String queue);

	/** A message of the queue was delivered to a listener here. */
	void delivered(String queue, boolean redelivered);

	/** A listener here handled a delivery. */
	void acknowledged(String queue);

	/**
	 * A listener here failed on a delivery.
	 * @param deadLettered whether it was the message's last delivery
	 */
	void rejected(String queue, boolean deadLettered);

}
