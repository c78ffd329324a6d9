package io.pistil.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address a tcp pool listens on, as its configuration writes it: {@code host:port},
 * {@code [ipv6]:port} or {@code unix:/path}.
 *
 * @param socketAddress the address: an {@link InetSocketAddress}, resolved, or a
 * {@link UnixDomainSocketAddress}
 */
public record ListenAddress(SocketAddress socketAddress) {

	private static final String UNIX_PREFIX = "unix:";

	public ListenAddress {
		if (!(socketAddress instanceof UnixDomainSocketAddress)
				&& !(socketAddress instanceof InetSocketAddress inet && !inet.isUnresolved())) {
			throw new IllegalArgumentException("Not a resolved internet or Unix socket address: " + socketAddress);
		}
	}

	/**
	 * Reads an address; a host name is resolved now.
	 * @param text {@code host:port}, {@code [ipv6]:port} or {@code unix:/path}
	 * @return the address
	 * @throws IllegalArgumentException with the reason if the text is no such address
	 */
	public static ListenAddress parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("is empty: write host:port, [ipv6]:port or unix:/path");
		}
		if (text.startsWith(UNIX_PREFIX)) {
			String path = text.substring(UNIX_PREFIX.length());
			if (path.isEmpty()) {
				throw new IllegalArgumentException("names no path: write unix:/path/to/socket");
			}
			return new ListenAddress(UnixDomainSocketAddress.of(path));
		}
		int colon = text.lastIndexOf(':');
		if (colon < 1) {
			throw new IllegalArgumentException("has no port: write host:port, [ipv6]:port or unix:/path");
		}
		String host = text.substring(0, colon);
		boolean bracketed = host.startsWith("[") && host.endsWith("]");
		if (bracketed) {
			host = host.substring(1, host.length() - 1);
		}
		else if (host.contains(":")) {
			throw new IllegalArgumentException("is an IPv6 address without brackets: write [" + host + "]:port");
		}
		InetAddress address;
		try {
			address = InetAddress.getByName(host);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("names an unknown host '" + host + "'");
		}
		if (bracketed && !(address instanceof Inet6Address)) {
			throw new IllegalArgumentException("has brackets around '" + host + "', which is no IPv6 address");
		}
		return new ListenAddress(new InetSocketAddress(address, port(text.substring(colon + 1))));
	}

	private static int port(String text) {
		try {
			int port = Integer.parseInt(text);
			if (port >= 0 && port <= 65535) {
				return port;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new IllegalArgumentException("has an invalid port '" + text + "': must be 0 to 65535");
	}

	/**
	 * Writes any internet or Unix socket address as {@link #parse} reads it.
	 * @param address the address
	 * @return its text
	 */
	public static String format(SocketAddress address) {
		if (address instanceof UnixDomainSocketAddress unix) {
			return UNIX_PREFIX + unix.getPath();
		}
		InetSocketAddress inet = (InetSocketAddress) address;
		String host = inet.getAddress().getHostAddress();
		return ((inet.getAddress() instanceof Inet6Address) ? "[" + shortForm(host) + "]" : host) + ":"
				+ inet.getPort();
	}

	/**
	 * An IPv6 address as people write it (RFC 5952): its longest run of zero groups as
	 * "::".
	 */
	private static String shortForm(String ipv6) {
		int percent = ipv6.indexOf('%');
		String scope = (percent >= 0) ? ipv6.substring(percent) : "";
		String[] groups = ((percent >= 0) ? ipv6.substring(0, percent) : ipv6).split(":");
		int longestStart = -1;
		int longestLength = 1;
		for (int start = 0; start < groups.length; start++) {
			int length = 0;
			while (start + length < groups.length && groups[start + length].equals("0")) {
				length++;
			}
			if (length > longestLength) {
				longestStart = start;
				longestLength = length;
			}
		}
		if (longestStart < 0) {
			return String.join(":", groups) + scope;
		}
		return String.join(":", Arrays.copyOfRange(groups, 0, longestStart)) + "::"
				+ String.join(":", Arrays.copyOfRange(groups, longestStart + longestLength, groups.length)) + scope;
	}

	public boolean isUnix() {
		return this.socketAddress instanceof UnixDomainSocketAddress;
	}

	/** The port, or 0 for a Unix socket. */
	public int port() {
		return (this.socketAddress instanceof InetSocketAddress inet) ? inet.getPort() : 0;
	}

	public ProtocolFamily family() {
		if (isUnix()) {
			return StandardProtocolFamily.UNIX;
		}
		return (((InetSocketAddress) this.socketAddress).getAddress() instanceof Inet6Address)
				? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
	}

	@Override
	public String toString() {
		return format(this.socketAddress);
	}

}
