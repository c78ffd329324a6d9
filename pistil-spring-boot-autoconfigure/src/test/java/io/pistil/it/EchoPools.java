package io.pistil.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Pools of {@link EchoTcpWorker}s: declares them, finds where they listen in procfs, and
 * talks to them over TCP or a Unix socket.
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
	 * The addresses a pool listens on: the arbiter's listening sockets that a worker of
	 * the pool holds too (it inherited them), with the ports the system chose.
	 * @param arbiter the arbiter, ready
	 * @param pool the pool
	 * @return the addresses
	 */
	static List<SocketAddress> listeningAddresses(ArbiterProcess arbiter, String pool) {
		Map<Integer, SocketAddress> owned = Procfs.listening(arbiter.pid());
		Set<SocketAddress> shared = new HashSet<>();
		arbiter.workers(pool).values().forEach((worker) -> shared.addAll(Procfs.listening(worker).values()));
		return owned.values().stream().filter(shared::contains).toList();
	}

	/** Where a pool listens on IPv4. */
	static InetSocketAddress tcpAddress(ArbiterProcess arbiter, String pool) {
		return address(arbiter, pool, InetSocketAddress.class,
				(address) -> address.getAddress() instanceof Inet4Address);
	}

	/** Where a pool listens on IPv6. */
	static InetSocketAddress tcp6Address(ArbiterProcess arbiter, String pool) {
		return address(arbiter, pool, InetSocketAddress.class,
				(address) -> address.getAddress() instanceof Inet6Address);
	}

	private static <A extends SocketAddress> A address(ArbiterProcess arbiter, String pool, Class<A> type,
			Predicate<A> which) {
		List<SocketAddress> addresses = listeningAddresses(arbiter, pool);
		return addresses.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.filter(which)
			.findFirst()
			.orElseThrow(() -> new AssertionError("Pool " + pool + " listens on no such address; it listens on "
					+ addresses + "; output:\n" + arbiter.output()));
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
