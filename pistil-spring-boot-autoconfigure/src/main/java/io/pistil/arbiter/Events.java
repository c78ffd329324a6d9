package io.pistil.arbiter;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Hands the arbiter's events to its listeners, in order. A listener's failure, be it an
 * exception or an error such as a {@link LinkageError}, is logged and stops nothing; only
 * a failure of the JVM itself ({@link VirtualMachineError}, such as an
 * {@link OutOfMemoryError}) goes on to the arbiter's loop.
 */
final class Events {

	private static final Log logger = LogFactory.getLog(Events.class);

	private final List<ArbiterListener> listeners;

	Events(List<ArbiterListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	void publish(ArbiterEvent event) {
		for (ArbiterListener listener : this.listeners) {
			try {
				listener.onEvent(event);
			}
			catch (VirtualMachineError ex) {
				throw ex;
			}
			catch (Throwable ex) {
				logger.error("pistil: a listener failed on " + event + "; carrying on", ex);
			}
		}
	}

}
