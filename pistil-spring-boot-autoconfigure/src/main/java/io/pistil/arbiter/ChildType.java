package io.pistil.arbiter;

import java.util.Locale;

/**
 * What a pool's children are.
 */
public enum ChildType {

	/** A worker: a child JVM running one {@code Worker}. */
	WORKER,

	/**
	 * A TCP worker: a child JVM running one {@code TcpWorker} on the pool's listening
	 * sockets, which the arbiter owns (pistil's {@code TcpArbiter}).
	 */
	TCP,

	/**
	 * A supervisor: a child JVM running an arbiter of its own over the pool's
	 * {@code children}, itself supervised like a worker (pistil's {@code supervisor}
	 * child type).
	 */
	SUPERVISOR;

	/**
	 * The type as configuration writes it: {@code worker}, {@code tcp},
	 * {@code supervisor}.
	 */
	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

}
