package io.pistil.arbiter;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import io.pistil.contract.TcpChildSettings;
import io.pistil.net.ListenAddress;

/**
 * A tcp pool's settings: where it listens, and how its workers serve connections.
 *
 * @param listen the addresses, at least one
 * @param backlog the length of each socket's queue of connections waiting to be accepted
 * @param reusePort whether each worker binds sockets of its own with {@code SO_REUSEPORT}
 * instead of sharing the arbiter's
 * @param threads how many connections a worker serves at once: a number of threads (1:
 * one after the other on its accept thread), or {@value #VIRTUAL_THREADS} for a virtual
 * thread per connection
 * @param workerConnections with virtual threads, the most connections a worker serves at
 * once
 */
public record TcpSpec(List<ListenAddress> listen, int backlog, boolean reusePort, String threads,
		int workerConnections) {

	/** The {@code threads} value for a virtual thread per connection. */
	public static final String VIRTUAL_THREADS = TcpChildSettings.VIRTUAL_THREADS;

	public TcpSpec {
		listen = List.copyOf(listen);
		Objects.requireNonNull(threads, "threads");
	}

	/** Checks the settings, naming the pool and the property of an invalid one. */
	void validate(String pool) {
		if (this.listen.isEmpty()) {
			throw new InvalidSpecException(pool, "listen", "", "a tcp pool needs at least one address");
		}
		if (new HashSet<>(this.listen).size() != this.listen.size()) {
			throw new InvalidSpecException(pool, "listen", this.listen, "lists an address twice");
		}
		if (this.backlog < 1) {
			throw new InvalidSpecException(pool, "backlog", this.backlog, "must be 1 or more");
		}
		if (!this.threads.equals(VIRTUAL_THREADS) && !this.threads.matches("[1-9][0-9]{0,4}")) {
			throw new InvalidSpecException(pool, "threads", this.threads,
					"must be a number of threads (1 or more) or '" + VIRTUAL_THREADS + "'");
		}
		if (this.workerConnections < 1) {
			throw new InvalidSpecException(pool, "worker-connections", this.workerConnections, "must be 1 or more");
		}
		if (this.reusePort) {
			for (ListenAddress address : this.listen) {
				if (address.isUnix() || address.port() == 0) {
					throw new InvalidSpecException(pool, "listen", address,
							"with reuse-port, every address needs a" + " port of its own: no Unix socket, no port 0");
				}
			}
		}
	}

}
