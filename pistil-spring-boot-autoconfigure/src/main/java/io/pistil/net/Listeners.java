package io.pistil.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.process.ListeningSocket;
import io.pistil.process.SocketControl;

/**
 * The listening sockets that the workers of each tcp pool share: opened once by the
 * arbiter (or taken from systemd's socket activation), kept open across worker restarts
 * and reloads, handed to every worker of their pool, and closed when the arbiter stops,
 * the file of a Unix socket the arbiter bound removed.
 *
 * <p>
 * Not thread-safe: the arbiter uses it from one thread at a time.
 */
public final class Listeners implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Listeners.class);

	private static final int FILE_TYPE_MASK = 0170000;

	private static final int SOCKET_FILE_TYPE = 0140000;

	private final SocketControl sockets;

	/** Sockets from socket activation that no pool listens on, by address. */
	private final Map<SocketAddress, Integer> activated;

	private final Map<String, Map<ListenAddress, Listener>> pools = new LinkedHashMap<>();

	/**
	 * Creates listeners.
	 * @param sockets the native socket layer
	 * @param activated the sockets from socket activation, by address: a pool that
	 * listens on one of these addresses takes its socket instead of binding
	 */
	public Listeners(SocketControl sockets, Map<SocketAddress, Integer> activated) {
		this.sockets = sockets;
		this.activated = new LinkedHashMap<>(activated);
	}

	/**
	 * Makes a pool listen on these addresses too: opens a socket on each address it has
	 * none on yet, and keeps the others. If one address cannot be listened on, nothing
	 * changes.
	 * @param pool the pool
	 * @param addresses its addresses
	 * @param backlog the length of the queue of connections waiting to be accepted, for
	 * new sockets
	 * @throws ListenException naming the address that cannot be listened on
	 */
	public void listen(String pool, List<ListenAddress> addresses, int backlog) {
		Map<ListenAddress, Listener> current = this.pools.computeIfAbsent(pool, (name) -> new LinkedHashMap<>());
		List<Listener> opened = new ArrayList<>();
		try {
			for (ListenAddress address : addresses) {
				if (!current.containsKey(address)) {
					opened.add(open(pool, address, backlog));
				}
			}
		}
		catch (ListenException ex) {
			opened.forEach(this::close);
			throw ex;
		}
		for (Listener listener : opened) {
			current.put(listener.address(), listener);
			logger.info("pistil: pool " + pool + " listening on " + ListenAddress.format(listener.boundAddress())
					+ (listener.activated() ? " (socket activation, fd " + listener.fd() + ")" : ""));
		}
	}

	/**
	 * Closes a pool's sockets on other addresses than these: once no new worker needs
	 * them (the workers that hold them keep their own descriptors until they exit).
	 * @param pool the pool
	 * @param addresses the addresses it keeps
	 */
	public void retain(String pool, List<ListenAddress> addresses) {
		Map<ListenAddress, Listener> current = this.pools.getOrDefault(pool, Map.of());
		List.copyOf(current.keySet())
			.stream()
			.filter((address) -> !addresses.contains(address))
			.forEach((address) -> close(current.remove(address)));
	}

	/**
	 * Returns a pool's sockets on some of its addresses.
	 * @param pool the pool
	 * @param addresses addresses it listens on
	 * @return their sockets, in the order of the addresses
	 */
	public List<Listener> of(String pool, List<ListenAddress> addresses) {
		Map<ListenAddress, Listener> current = this.pools.getOrDefault(pool, Map.of());
		return addresses.stream().map((address) -> {
			Listener listener = current.get(address);
			if (listener == null) {
				throw new IllegalStateException("Pool '" + pool + "' does not listen on " + address);
			}
			return listener;
		}).toList();
	}

	/**
	 * Returns the sockets from socket activation that no pool listens on.
	 * @return their addresses
	 */
	public List<SocketAddress> unusedActivated() {
		return List.copyOf(this.activated.keySet());
	}

	/** Closes every pool's sockets. */
	@Override
	public void close() {
		this.pools.values().forEach((listeners) -> listeners.values().forEach(this::close));
		this.pools.clear();
	}

	private Listener open(String pool, ListenAddress address, int backlog) {
		Integer fd = this.activated.remove(address.socketAddress());
		if (fd != null) {
			return new Listener(address, address.socketAddress(), fd, true);
		}
		try {
			if (address.socketAddress() instanceof UnixDomainSocketAddress unix) {
				removeStaleSocketFile(pool, address, unix.getPath());
			}
			ListeningSocket socket = this.sockets.listen(address.socketAddress(), backlog);
			return new Listener(address, socket.address(), socket.fd(), false);
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new ListenException(pool, address.toString(), ex.getMessage(), ex);
		}
	}

	/**
	 * Removes the socket file of a server that died without removing it; refuses to touch
	 * a file that is no socket, or a socket that a live server listens on.
	 */
	private static void removeStaleSocketFile(String pool, ListenAddress address, Path path) throws IOException {
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		int mode = (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
		if ((mode & FILE_TYPE_MASK) != SOCKET_FILE_TYPE) {
			throw new ListenException(pool, address.toString(), "the file exists and is no socket", null);
		}
		try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
			throw new ListenException(pool, address.toString(),
					"Address already in use (another process listens there)", null);
		}
		catch (ConnectException ex) {
			// Nobody listens: the file of a server that died.
			Files.delete(path);
		}
	}

	/**
	 * A socket from socket activation goes back to the activated ones: systemd keeps it
	 * open anyway.
	 */
	private void close(Listener listener) {
		if (listener.activated()) {
			this.activated.put(listener.address().socketAddress(), listener.fd());
			return;
		}
		this.sockets.close(listener.fd());
		if (listener.boundAddress() instanceof UnixDomainSocketAddress unix) {
			try {
				Files.deleteIfExists(unix.getPath());
			}
			catch (IOException ex) {
				logger.warn("pistil: cannot remove socket file " + unix.getPath() + ": " + ex);
			}
		}
	}

	/**
	 * One listening socket of a pool.
	 *
	 * @param address the address as configured
	 * @param boundAddress the address it is bound to (with the port the system chose for
	 * port 0)
	 * @param fd its descriptor in the arbiter
	 * @param activated whether it came from socket activation
	 */
	public record Listener(ListenAddress address, SocketAddress boundAddress, int fd, boolean activated) {
	}

}
