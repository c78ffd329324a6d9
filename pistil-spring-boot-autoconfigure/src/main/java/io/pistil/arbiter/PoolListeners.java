package io.pistil.arbiter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.contract.TcpChildSettings;
import io.pistil.net.ListenAddress;
import io.pistil.net.Listeners;
import io.pistil.net.Systemd;
import io.pistil.process.SocketControl;
import io.pistil.process.SpawnRequest;

/**
 * The listening sockets of the arbiter's tcp pools, following their specs, and what each
 * worker of a pool gets of them at its spawn. Touched only by the arbiter thread (and by
 * the arbiter's start before that thread runs).
 */
final class PoolListeners implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PoolListeners.class);

	private final Listeners listeners;

	/**
	 * Creates the listeners of an arbiter, with the sockets socket activation gave it.
	 * @param sockets the native socket layer
	 * @param environment the arbiter's environment
	 * @param pid the arbiter's pid
	 */
	PoolListeners(SocketControl sockets, Map<String, String> environment, long pid) {
		this.listeners = new Listeners(sockets, Systemd.activatedSockets(environment, pid, sockets));
	}

	/**
	 * Opens every tcp pool's sockets, at the arbiter's start.
	 * @param specs every pool
	 * @throws io.pistil.net.ListenException if an address cannot be listened on; none is
	 * open then
	 */
	void open(List<WorkerSpec> specs) {
		try {
			specs.forEach(this::listen);
		}
		catch (RuntimeException ex) {
			this.listeners.close();
			throw ex;
		}
		this.listeners.unusedActivated()
			.forEach((address) -> logger.warn("pistil: no pool listens on " + ListenAddress.format(address)
					+ ", which socket activation passed on"));
	}

	/**
	 * Makes a pool listen on the addresses of its spec, at the start and on each reload:
	 * its workers share the sockets, except with reuse-port, where each binds its own.
	 * Sockets on addresses the spec no longer lists stay open until {@link #settle}.
	 * @param spec the pool's spec
	 * @throws io.pistil.net.ListenException if an address cannot be listened on; nothing
	 * changes then
	 */
	void listen(WorkerSpec spec) {
		this.listeners.listen(spec.name(), sharedAddresses(spec), (spec.tcp() != null) ? spec.tcp().backlog() : 0);
	}

	/**
	 * Closes a pool's sockets on addresses its spec does not list, once no new worker of
	 * another spec can come: after a reload, or after a reload that failed.
	 * @param spec the pool's spec
	 */
	void settle(WorkerSpec spec) {
		this.listeners.retain(spec.name(), sharedAddresses(spec));
	}

	/**
	 * Closes every socket of a pool that is gone.
	 * @param spec the pool's spec
	 */
	void close(WorkerSpec spec) {
		this.listeners.retain(spec.name(), List.of());
	}

	/**
	 * Returns the descriptors to hand over to a new worker of a pool.
	 * @param spec the pool's spec
	 * @return the descriptors, none for a pool that shares no socket
	 */
	List<Integer> descriptors(WorkerSpec spec) {
		return shared(spec).stream().map(Listeners.Listener::fd).toList();
	}

	/**
	 * Returns the JVM options that tell a new worker of a tcp pool its sockets (as handed
	 * over by {@link #descriptors}) and threads.
	 * @param spec the pool's spec
	 * @return the options, none for a pool that is no tcp pool
	 */
	List<String> jvmOptions(WorkerSpec spec) {
		TcpSpec tcp = spec.tcp();
		if (tcp == null) {
			return List.of();
		}
		Map<Integer, ListenAddress> inherited = new LinkedHashMap<>();
		List<Listeners.Listener> shared = shared(spec);
		for (int i = 0; i < shared.size(); i++) {
			inherited.put(SpawnRequest.FIRST_HANDED_OVER + i, new ListenAddress(shared.get(i).boundAddress()));
		}
		return new TcpChildSettings(inherited, tcp.reusePort() ? tcp.listen() : List.of(), tcp.backlog(), tcp.threads(),
				tcp.workerConnections())
			.jvmOptions();
	}

	private List<Listeners.Listener> shared(WorkerSpec spec) {
		return this.listeners.of(spec.name(), sharedAddresses(spec));
	}

	/**
	 * The addresses whose sockets a pool's workers share: a tcp pool's, unless each
	 * worker binds its own.
	 */
	private static List<ListenAddress> sharedAddresses(WorkerSpec spec) {
		TcpSpec tcp = spec.tcp();
		return (tcp != null && !tcp.reusePort()) ? tcp.listen() : List.of();
	}

	/** Closes every socket; removes the files of the Unix sockets the arbiter bound. */
	@Override
	public void close() {
		this.listeners.close();
	}

}
