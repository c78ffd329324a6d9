package io.pistil.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.pistil.net.ListenAddress;

/**
 * Pools of {@link EchoTcpWorker}s: declares them, finds where they listen from their
 * arbiter's log, and talks to them over TCP or a Unix socket.
 */
final class EchoPools {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private EchoPools() {
	}

	/**
	 * Arguments that declare a tcp pool of small echo workers.
	 * @param name the pool
	 * @param workers how many workers
	 * @param listen its addresses
	 * @return the arguments
	 */
	static List<String> tcpPool(String name, int workers, String... listen) {
		List<String> arguments = new ArrayList<>(ArbiterProcess.pool(name, EchoTcpWorker.class, workers));
		arguments.add("--pistil.workers." + name + ".type=tcp");
		arguments.add("--pistil.workers." + name + ".listen=" + String.join(",", listen));
		return arguments;
	}

	/**
	 * Sends a line and reads the whole reply.
	 * @param address where the pool listens
	 * @param line the line
	 * @return the reply; a pid of 0 if the connection was closed before any reply
	 * @throws IOException if the connection fails
	 */
	static Reply ask(SocketAddress address, String line) throws IOException {
		try (SocketChannel channel = SocketChannel.open(address)) {
			// A blocking channel has no read timeout: closing it ends a read that waits
			// too long.
			CompletableFuture<Void> exchange = new CompletableFuture<>();
			exchange.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((done, timeout) -> {
				if (timeout != null) {
					close(channel);
				}
			});
			try {
				Channels.newOutputStream(channel).write((line + "\n").getBytes(StandardCharsets.UTF_8));
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
				String greeting = reader.readLine();
				if (greeting == null) {
					return new Reply(0, null);
				}
				return new Reply(Long.parseLong(greeting.substring("pid ".length())), reader.readLine());
			}
			finally {
				exchange.complete(null);
			}
		}
	}

	/**
	 * Waits for the arbiter to log that a pool listens on an address, and returns it.
	 * @param arbiter the arbiter
	 * @param pool the pool
	 * @param start how the address starts: "127.0.0.1:", "[::1]:", "unix:"
	 * @return the address with the port the system chose
	 */
	static SocketAddress listeningAddress(ArbiterProcess arbiter, String pool, String start) {
		Pattern pattern = Pattern
			.compile("pool " + Pattern.quote(pool) + " listening on (" + Pattern.quote(start) + "\\S*)");
		Matcher matcher = pattern
			.matcher(arbiter.awaitLine((candidate) -> pattern.matcher(candidate).find(), Duration.ofSeconds(60)));
		matcher.find();
		return ListenAddress.parse(matcher.group(1)).socketAddress();
	}

	static InetSocketAddress tcpAddress(ArbiterProcess arbiter, String pool) {
		return (InetSocketAddress) listeningAddress(arbiter, pool, "127.0.0.1:");
	}

	static UnixDomainSocketAddress unixAddress(ArbiterProcess arbiter, String pool) {
		return (UnixDomainSocketAddress) listeningAddress(arbiter, pool, "unix:");
	}

	private static void close(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Closed already.
		}
	}

	/**
	 * A reply.
	 *
	 * @param pid the pid of the worker that accepted the connection, or 0 for none
	 * @param echo the echoed line, or null if the worker closed the connection first
	 */
	record Reply(long pid, String echo) {
	}

}
