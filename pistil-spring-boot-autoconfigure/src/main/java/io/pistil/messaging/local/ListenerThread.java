package io.pistil.messaging.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.messaging.support.DeliveryHandler;
import io.pistil.messaging.support.DeliveryInfo;
import io.pistil.messaging.support.Envelope;
import io.pistil.messaging.support.Transport;

/**
 * The thread of one local subscription: it takes the deliveries its transport hands it,
 * in order, runs the handler on each and reports the outcome. Running on a thread of its
 * own, a long handler delays neither the worker's heartbeat nor its other subscriptions.
 */
final class ListenerThread implements Transport.Subscription {

	private static final Log logger = LogFactory.getLog(ListenerThread.class);

	/** The reply of a request whose handler returned nothing. */
	static final Envelope NO_REPLY = new Envelope(Map.of(), new byte[0]);

	private static final Incoming END = new Incoming(0, null, null);

	private final LinkedBlockingQueue<Incoming> deliveries = new LinkedBlockingQueue<>();

	private final String destination;

	private final DeliveryHandler handler;

	private final Outcomes outcomes;

	private final Thread thread;

	private volatile boolean stopping;

	ListenerThread(String destination, DeliveryHandler handler, Outcomes outcomes) {
		this.destination = destination;
		this.handler = handler;
		this.outcomes = outcomes;
		this.thread = new Thread(this::run, "pistil-listener-" + destination);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** The queue or topic it consumes. */
	String destination() {
		return this.destination;
	}

	/** Hands over a delivery; after a stop, it goes back at once. */
	void enqueue(long tag, Envelope message, DeliveryInfo delivery) {
		if (this.stopping) {
			this.outcomes.released(tag);
			return;
		}
		this.deliveries.add(new Incoming(tag, message, delivery));
	}

	@Override
	public void stop(Duration timeout) {
		this.stopping = true;
		releaseWaiting();
		this.deliveries.add(END);
		try {
			this.thread.join(Math.max(1, timeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		releaseWaiting();
	}

	private void releaseWaiting() {
		List<Incoming> waiting = new ArrayList<>();
		this.deliveries.drainTo(waiting);
		for (Incoming incoming : waiting) {
			if (incoming != END) {
				this.outcomes.released(incoming.tag);
			}
		}
	}

	private void run() {
		while (true) {
			Incoming incoming;
			try {
				incoming = this.deliveries.take();
			}
			catch (InterruptedException ex) {
				return;
			}
			if (incoming == END) {
				return;
			}
			if (this.stopping) {
				this.outcomes.released(incoming.tag);
				continue;
			}
			handle(incoming);
		}
	}

	private void handle(Incoming incoming) {
		Envelope reply;
		try {
			reply = this.handler.handle(incoming.message, incoming.delivery);
		}
		catch (Throwable ex) {
			logger.warn("pistil: listener of " + incoming.delivery.destination() + " failed on message "
					+ incoming.delivery.id() + " (delivery " + incoming.delivery.deliveryCount() + ")", ex);
			this.outcomes.rejected(incoming.tag, ex.toString());
			return;
		}
		if (incoming.delivery.request()) {
			this.outcomes.replied(incoming.tag, (reply != null) ? reply : NO_REPLY);
		}
		else {
			this.outcomes.acknowledged(incoming.tag);
		}
	}

	/** What becomes of each delivery. */
	interface Outcomes {

		void acknowledged(long tag);

		void replied(long tag, Envelope reply);

		void rejected(long tag, String error);

		void released(long tag);

	}

	private record Incoming(long tag, Envelope message, DeliveryInfo delivery) {
	}

}
