package io.pistil.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A Unix datagram socket that receives what a service sends to systemd's
 * {@code NOTIFY_SOCKET}, as systemd would: Java 17 has no Unix datagram sockets, so this
 * test helper binds one through libc.
 */
public final class NotifySocket implements AutoCloseable {

	private static final short AF_UNIX = 1;

	private static final int SOCK_DGRAM = 2;

	private static final int SOL_SOCKET = 1;

	private static final int SO_RCVTIMEO = 20;

	private static final Libc libc = LibraryLoader.create(Libc.class).load("c");

	private static final Runtime runtime = Runtime.getRuntime(libc);

	private final Path path;

	private final int fd;

	/**
	 * Binds a socket.
	 * @param path where
	 */
	public NotifySocket(Path path) {
		this.path = path;
		this.fd = libc.socket(AF_UNIX, SOCK_DGRAM, 0);
		byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
		Pointer address = Memory.allocateDirect(runtime, 110);
		address.putShort(0, AF_UNIX);
		address.put(2, name, 0, name.length);
		address.putByte(2 + name.length, (byte) 0);
		if (this.fd < 0 || libc.bind(this.fd, address, 2 + name.length + 1) != 0) {
			throw new IllegalStateException("Cannot bind a datagram socket at " + path);
		}
	}

	public Path path() {
		return this.path;
	}

	/**
	 * Waits for the next datagram.
	 * @param timeout how long at most
	 * @return the datagram, or null if none came in time
	 */
	public String receive(Duration timeout) {
		// struct timeval: seconds, microseconds.
		Pointer time = Memory.allocateDirect(runtime, 16);
		time.putLong(0, timeout.toSeconds());
		time.putLong(8, timeout.toMillisPart() * 1000L);
		libc.setsockopt(this.fd, SOL_SOCKET, SO_RCVTIMEO, time, 16);
		Pointer buffer = Memory.allocateDirect(runtime, 4096);
		long received = libc.recv(this.fd, buffer, 4096, 0);
		if (received < 0) {
			return null;
		}
		byte[] bytes = new byte[(int) received];
		buffer.get(0, bytes, 0, bytes.length);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * Waits for the next datagram that is not a {@code STATUS=} line: the arbiter's loop
	 * sends those after every change of its pools, in any order with its state changes.
	 * @param timeout how long at most, in all
	 * @return the datagram, or null if none came in time
	 */
	public String receiveState(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String message;
		do {
			Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
			message = receive(left);
		}
		while (message != null && message.startsWith("STATUS=") && deadline - System.nanoTime() > 0);
		return (message != null && message.startsWith("STATUS=")) ? null : message;
	}

	@Override
	public void close() throws Exception {
		libc.close(this.fd);
		Files.deleteIfExists(this.path);
	}

	/** The libc calls it needs. */
	public interface Libc {

		int socket(int domain, int type, int protocol);

		int bind(int fd, Pointer address, int length);

		int setsockopt(int fd, int level, int option, Pointer value, int length);

		long recv(int fd, Pointer buffer, long length, int flags);

		int close(int fd);

	}

}
