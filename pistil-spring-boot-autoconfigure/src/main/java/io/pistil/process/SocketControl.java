package io.pistil.process;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * The native socket operations pistil needs and the JDK lacks: a listening socket whose
 * descriptor the arbiter can hand to its children, the address of a socket the arbiter
 * inherited (systemd's socket activation), and a datagram to a Unix socket (systemd's
 * notification socket; Java 17 has no Unix datagram sockets).
 *
 * <p>
 * Obtain the platform implementation with {@link #load()}.
 */
public interface SocketControl {

	/**
	 * Opens a listening stream socket: close-on-exec (a child gets it only when it is
	 * handed over), with {@code SO_REUSEADDR} for an internet address, bound and
	 * listening.
	 * @param address an {@link java.net.InetSocketAddress} or a
	 * {@link java.net.UnixDomainSocketAddress}
	 * @param backlog the length of the queue of connections waiting to be accepted
	 * @return the socket's descriptor and the address it is bound to (with the port the
	 * system chose for port 0)
	 * @throws java.net.BindException if the address is in use or cannot be bound
	 * @throws IOException if the socket cannot be opened
	 */
	ListeningSocket listen(SocketAddress address, int backlog) throws IOException;

	/**
	 * Returns the address of a descriptor that is a listening stream socket.
	 * @param fd a descriptor of this process
	 * @return its local address, or empty if it is no listening stream socket
	 */
	Optional<SocketAddress> listeningAddress(int fd);

	/**
	 * Closes a descriptor.
	 * @param fd the descriptor
	 */
	void close(int fd);

	/**
	 * Sends one datagram to a Unix datagram socket.
	 * @param path the socket's path; a leading {@code @} names a socket of the abstract
	 * namespace
	 * @param message the datagram
	 * @throws IOException if it cannot be sent
	 */
	void sendDatagram(String path, byte[] message) throws IOException;

	/**
	 * Returns the platform implementation.
	 * @return the native socket control
	 * @throws IllegalStateException if the native layer cannot be loaded on this platform
	 */
	static SocketControl load() {
		return NativeSocketControl.load();
	}

}
