package io.pistil.process;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * {@link SocketControl} on Linux, with libc's socket calls bound through jnr-ffi. Socket
 * addresses are written and read by hand: {@code sockaddr_in}, {@code sockaddr_in6} and
 * {@code sockaddr_un} have one layout on every Linux architecture.
 */
final class NativeSocketControl implements SocketControl {

	// <sys/socket.h>, <netinet/in.h> and <asm-generic/socket.h> on Linux.
	private static final short AF_UNIX = 1;

	private static final short AF_INET = 2;

	private static final short AF_INET6 = 10;

	private static final int SOCK_STREAM = 1;

	private static final int SOCK_DGRAM = 2;

	private static final int SOCK_CLOEXEC = 0x80000;

	private static final int SOL_SOCKET = 1;

	private static final int SO_REUSEADDR = 2;

	private static final int SO_TYPE = 3;

	private static final int SO_ACCEPTCONN = 30;

	private static final int MSG_NOSIGNAL = 0x4000;

	/** sizeof(struct sockaddr_storage). */
	private static final int SOCKADDR_SIZE = 128;

	/** sizeof(sun_path), its terminating NUL included. */
	private static final int UNIX_PATH_SIZE = 108;

	private final SocketLibrary library;

	private final Runtime runtime;

	private NativeSocketControl(SocketLibrary library) {
		this.library = library;
		this.runtime = Runtime.getRuntime(library);
	}

	static NativeSocketControl load() {
		if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
			throw new IllegalStateException(
					"pistil's socket control needs Linux; this is " + System.getProperty("os.name"));
		}
		try {
			return new NativeSocketControl(
					LibraryLoader.create(SocketLibrary.class).option(LibraryOption.SaveError, true).load("c"));
		}
		catch (LinkageError | RuntimeException ex) {
			throw new IllegalStateException("pistil's native socket layer could not be loaded: " + ex, ex);
		}
	}

	@Override
	public ListeningSocket listen(SocketAddress address, int backlog) throws IOException {
		Pointer sockaddr = Memory.allocateDirect(this.runtime, SOCKADDR_SIZE);
		int length = write(address, sockaddr);
		int fd = this.library.socket(sockaddr.getShort(0), SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			throw new IOException("socket failed: " + lastError());
		}
		try {
			if (address instanceof InetSocketAddress) {
				Pointer one = Memory.allocateDirect(this.runtime, Integer.BYTES);
				one.putInt(0, 1);
				if (this.library.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, Integer.BYTES) != 0) {
					throw new IOException("setsockopt(SO_REUSEADDR) failed: " + lastError());
				}
			}
			if (this.library.bind(fd, sockaddr, length) != 0) {
				throw new BindException(lastError());
			}
			if (this.library.listen(fd, backlog) != 0) {
				throw new IOException("listen failed: " + lastError());
			}
			return new ListeningSocket(fd, localAddress(fd));
		}
		catch (IOException | RuntimeException ex) {
			this.library.close(fd);
			throw ex;
		}
	}

	@Override
	public Optional<SocketAddress> listeningAddress(int fd) {
		if (intOption(fd, SO_TYPE) != SOCK_STREAM || intOption(fd, SO_ACCEPTCONN) != 1) {
			return Optional.empty();
		}
		try {
			return Optional.of(localAddress(fd));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	@Override
	public void close(int fd) {
		this.library.close(fd);
	}

	@Override
	public void sendDatagram(String path, byte[] message) throws IOException {
		Pointer sockaddr = Memory.allocateDirect(this.runtime, SOCKADDR_SIZE);
		int length = writeUnix(path, sockaddr);
		int fd = this.library.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			throw new IOException("socket failed: " + lastError());
		}
		try {
			Pointer buffer = Memory.allocateDirect(this.runtime, Math.max(message.length, 1));
			buffer.put(0, message, 0, message.length);
			if (this.library.sendto(fd, buffer, message.length, MSG_NOSIGNAL, sockaddr, length) != message.length) {
				throw new IOException("Cannot send to " + path + ": " + lastError());
			}
		}
		finally {
			this.library.close(fd);
		}
	}

	/**
	 * Returns an int socket option, or -1 if the descriptor has none (it is no socket).
	 */
	private int intOption(int fd, int option) {
		Pointer value = Memory.allocateDirect(this.runtime, Integer.BYTES);
		Pointer length = Memory.allocateDirect(this.runtime, Integer.BYTES);
		length.putInt(0, Integer.BYTES);
		return (this.library.getsockopt(fd, SOL_SOCKET, option, value, length) == 0) ? value.getInt(0) : -1;
	}

	private SocketAddress localAddress(int fd) throws IOException {
		Pointer sockaddr = Memory.allocateDirect(this.runtime, SOCKADDR_SIZE);
		Pointer length = Memory.allocateDirect(this.runtime, Integer.BYTES);
		length.putInt(0, SOCKADDR_SIZE);
		if (this.library.getsockname(fd, sockaddr, length) != 0) {
			throw new IOException("getsockname failed: " + lastError());
		}
		return read(sockaddr, length.getInt(0));
	}

	/** Writes a socket address as its C struct and returns the struct's length. */
	private static int write(SocketAddress address, Pointer sockaddr) {
		if (address instanceof UnixDomainSocketAddress unix) {
			return writeUnix(unix.getPath().toString(), sockaddr);
		}
		InetSocketAddress inet = (InetSocketAddress) address;
		if (inet.isUnresolved()) {
			throw new IllegalArgumentException("Unresolved address " + inet);
		}
		byte[] host = inet.getAddress().getAddress();
		if (inet.getAddress() instanceof Inet4Address) {
			// struct sockaddr_in: family, port (network order), address, 8 bytes of zero.
			sockaddr.putShort(0, AF_INET);
			writePort(sockaddr, inet.getPort());
			sockaddr.put(4, host, 0, 4);
			return 16;
		}
		// struct sockaddr_in6: family, port, flow info, address, scope id.
		sockaddr.putShort(0, AF_INET6);
		writePort(sockaddr, inet.getPort());
		sockaddr.put(8, host, 0, 16);
		sockaddr.putInt(24, ((Inet6Address) inet.getAddress()).getScopeId());
		return 28;
	}

	private static void writePort(Pointer sockaddr, int port) {
		sockaddr.putByte(2, (byte) (port >> 8));
		sockaddr.putByte(3, (byte) port);
	}

	/**
	 * struct sockaddr_un: family, then the path; an abstract socket's name starts with a
	 * NUL byte.
	 */
	private static int writeUnix(String path, Pointer sockaddr) {
		byte[] name = path.getBytes(StandardCharsets.UTF_8);
		boolean abstractName = path.startsWith("@");
		if (name.length >= UNIX_PATH_SIZE) {
			throw new IllegalArgumentException("Unix socket path too long (" + name.length + " bytes, at most "
					+ (UNIX_PATH_SIZE - 1) + "): " + path);
		}
		sockaddr.putShort(0, AF_UNIX);
		sockaddr.put(2, name, 0, name.length);
		if (abstractName) {
			sockaddr.putByte(2, (byte) 0);
			return 2 + name.length;
		}
		sockaddr.putByte(2 + name.length, (byte) 0);
		return 2 + name.length + 1;
	}

	private static SocketAddress read(Pointer sockaddr, int length) throws IOException {
		int family = sockaddr.getShort(0);
		int port = ((sockaddr.getByte(2) & 0xff) << 8) | (sockaddr.getByte(3) & 0xff);
		if (family == AF_INET) {
			return new InetSocketAddress(address(sockaddr, 4, 4, 0), port);
		}
		if (family == AF_INET6) {
			return new InetSocketAddress(address(sockaddr, 8, 16, sockaddr.getInt(24)), port);
		}
		if (family == AF_UNIX) {
			byte[] path = new byte[Math.max(length - 2, 0)];
			sockaddr.get(2, path, 0, path.length);
			int end = 0;
			while (end < path.length && path[end] != 0) {
				end++;
			}
			return UnixDomainSocketAddress.of(new String(path, 0, end, StandardCharsets.UTF_8));
		}
		throw new IOException("Unsupported address family " + family);
	}

	private static InetAddress address(Pointer sockaddr, int offset, int size, int scopeId)
			throws UnknownHostException {
		byte[] bytes = new byte[size];
		sockaddr.get(offset, bytes, 0, size);
		return (scopeId != 0) ? Inet6Address.getByAddress(null, bytes, scopeId) : InetAddress.getByAddress(bytes);
	}

	private String lastError() {
		return NativeProcessControl.describe(LastError.getLastError(this.runtime));
	}

	/** libc's socket calls, bound by jnr-ffi. */
	public interface SocketLibrary {

		int socket(int domain, int type, int protocol);

		int setsockopt(int fd, int level, int option, Pointer value, int length);

		int getsockopt(int fd, int level, int option, Pointer value, Pointer length);

		int bind(int fd, Pointer address, int length);

		int listen(int fd, int backlog);

		int getsockname(int fd, Pointer address, Pointer length);

		long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength);

		int close(int fd);

	}

}
