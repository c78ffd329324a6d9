package io.pistil.arbiter;

import java.util.Locale;

/**
 * What a worker is doing, as its snapshot shows it; {@link #toString()} gives the lower
 * case form that the endpoint and the metrics use.
 */
public enum WorkerState {

	/** Starting its context. */
	BOOTING,

	/** Ready, and handling nothing at the moment. */
	IDLE,

	/** Ready, and handling a request (a tcp worker's connection). */
	BUSY,

	/** Asked to stop, or being killed. */
	STOPPING;

	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

}
