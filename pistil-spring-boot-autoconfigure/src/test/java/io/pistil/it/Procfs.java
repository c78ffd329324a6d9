package io.pistil.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What procfs tells about a process: its descriptors, the addresses it listens on through
 * them, its state.
 */
public final class Procfs {

	/** A TCP socket's state in /proc/net/tcp: listening. */
	private static final String TCP_LISTEN = "0A";

	/** A Unix socket's flags in /proc/net/unix: accepting connections. */
	private static final String UNIX_ACCEPTING = "00010000";

	private Procfs() {
	}

	/**
	 * A process's open descriptors and what each points to ("/dev/null", "pipe:[123]",
	 * "socket:[456]"…); empty for a process that is gone.
	 * @param pid the process
	 * @return the descriptors by number
	 */
	public static Map<Integer, String> descriptors(long pid) {
		Map<Integer, String> descriptors = new TreeMap<>();
		try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			for (Path fd : fds.toList()) {
				try {
					descriptors.put(Integer.parseInt(fd.getFileName().toString()),
							Files.readSymbolicLink(fd).toString());
				}
				catch (IOException ex) {
					// Closed while we looked.
				}
			}
		}
		catch (IOException ex) {
			// Gone.
		}
		return descriptors;
	}

	/**
	 * The listening sockets a process holds, by descriptor: TCP over IPv4 and IPv6, and
	 * Unix stream sockets.
	 * @param pid the process
	 * @return each listening descriptor's address
	 */
	public static Map<Integer, SocketAddress> listening(long pid) {
		Map<String, SocketAddress> listening = listeningSockets();
		Map<Integer, SocketAddress> held = new TreeMap<>();
		descriptors(pid).forEach((fd, target) -> {
			SocketAddress address = listening.get(target);
			if (address != null) {
				held.put(fd, address);
			}
		});
		return held;
	}

	/**
	 * The state letter of a process: R, S, D, T (stopped), Z (zombie)…; 'X' for one that
	 * is gone.
	 * @param pid the process
	 * @return its state
	 */
	public static char state(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			return stat.charAt(stat.lastIndexOf(')') + 2);
		}
		catch (IOException ex) {
			return 'X';
		}
	}

	/** A process's controlling terminal (tty_nr), 0 for none. */
	public static int controllingTerminal(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[4]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Whether a process has ended: gone, or a zombie its parent has not reaped yet. */
	public static boolean ended(long pid) {
		char state = state(pid);
		return state == 'X' || state == 'Z';
	}

	/**
	 * Every listening socket of the system, by its descriptor target "socket:[inode]".
	 */
	private static Map<String, SocketAddress> listeningSockets() {
		Map<String, SocketAddress> sockets = new HashMap<>();
		for (String table : List.of("tcp", "tcp6")) {
			for (String[] fields : table(table)) {
				if (fields[3].equals(TCP_LISTEN)) {
					sockets.put("socket:[" + fields[9] + "]", inetAddress(fields[1]));
				}
			}
		}
		for (String[] fields : table("unix")) {
			if (fields.length > 7 && fields[3].equals(UNIX_ACCEPTING)) {
				sockets.put("socket:[" + fields[6] + "]", UnixDomainSocketAddress.of(fields[7]));
			}
		}
		return sockets;
	}

	/** The rows of a /proc/net table, split on blanks, without the header. */
	private static List<String[]> table(String name) {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc", "net", name));
			List<String[]> rows = new ArrayList<>();
			for (String line : lines.subList(1, lines.size())) {
				rows.add(line.trim().split("\\s+"));
			}
			return rows;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Decodes "0100007F:1F90": the address as 32-bit words in the machine's (little
	 * endian) byte order, then the port.
	 */
	private static InetSocketAddress inetAddress(String field) {
		String[] parts = field.split(":");
		String hex = parts[0];
		byte[] address = new byte[hex.length() / 2];
		for (int word = 0; word < address.length / 4; word++) {
			for (int i = 0; i < 4; i++) {
				int at = word * 8 + (3 - i) * 2;
				address[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
			}
		}
		try {
			return new InetSocketAddress(InetAddress.getByAddress(address), Integer.parseInt(parts[1], 16));
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
