package io.pistil.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.arbiter.ArbiterEvent.Reloading;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.it.EchoPools.Reply;
import io.pistil.it.EventLog.Event;
import io.pistil.process.UnixSignal;

import static io.pistil.it.EchoPools.ask;
import static io.pistil.it.EchoPools.tcpPool;
import static io.pistil.it.EventLog.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tcp pools with real processes and sockets on loopback: the workers of a pool share the
 * arbiter's sockets over IPv4, IPv6 and Unix sockets (or, with reuse-port, bind their
 * own), keep them across reloads, survive failing connections, and are recycled by their
 * memory.
 */
class TcpIT extends ArbiterTestSupport {

	@Test
	void ipv4Ipv6AndUnixSocketsEachReachTheWorkersOfThePool(@TempDir Path directory) throws Exception {
		List<String> arguments = new ArrayList<>(
				tcpPool("echo", 2, "127.0.0.1:0", "[::1]:0", "unix:" + directory.resolve("echo.sock")));
		arguments.add("--pistil.workers.echo.args.reply-millis=500");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		Set<Long> workers = new HashSet<>(this.arbiter.workers("echo").values());

		// Each worker serves one connection at a time: two at once go to both.
		List<TcpLoad.Outcome> outcomes = TcpLoad.start(EchoPools.tcpAddress(this.arbiter, "echo"), 2, 1, READY)
			.finish();
		Reply ipv6 = ask(EchoPools.tcp6Address(this.arbiter, "echo"), "over IPv6");
		Reply unix = ask(UnixDomainSocketAddress.of(directory.resolve("echo.sock")), "over a Unix socket");

		assertThat(outcomes).allMatch(TcpLoad.Outcome::complete);
		assertThat(outcomes).extracting(TcpLoad.Outcome::pid)
			.doesNotHaveDuplicates()
			.containsAnyElementsOf(workers)
			.hasSize(2);
		assertThat(ipv6.echo()).isEqualTo("echo over IPv6");
		assertThat(workers).contains(ipv6.pid());
		assertThat(unix.echo()).isEqualTo("echo over a Unix socket");
		assertThat(workers).contains(unix.pid());
	}

	@Test
	void unixSocketFileIsKeptAcrossAReloadAndRemovedOnStop(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("echo.sock");
		this.arbiter = TestApplication.launch(tcpPool("echo", 1, "unix:" + file));
		this.arbiter.awaitReady(READY);
		SocketAddress address = UnixDomainSocketAddress.of(file);
		assertThat(EchoPools.listeningAddresses(this.arbiter, "echo")).containsExactly(address);
		long before = ask(address, "before").pid();
		AtomicBoolean everMissing = new AtomicBoolean();
		AtomicBoolean sampling = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (sampling.get()) {
				everMissing.compareAndSet(false, !Files.exists(file));
				Thread.onSpinWait();
			}
		});
		sampler.start();

		this.arbiter.signal(UnixSignal.HUP);

		try {
			this.arbiter.awaitEvent("the old worker's exit", READY, event(WorkerExited.class, before));
		}
		finally {
			sampling.set(false);
			sampler.join();
		}
		assertThat(everMissing).isFalse();
		Reply after = ask(address, "after");
		assertThat(after.pid()).isNotEqualTo(before);
		assertThat(this.arbiter.workers("echo").values()).containsExactly(after.pid());
		assertThat(after.echo()).isEqualTo("echo after");

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).isZero();
		assertThat(file).doesNotExist();
	}

	@Test
	void aReloadListensOnNewAddressesAtOnceAndClosesDroppedOnesOnceTheOldWorkersAreGone(@TempDir Path directory)
			throws Exception {
		Path config = directory.resolve("pools.yml");
		Path file = directory.resolve("echo.sock");
		writeListen(config, "127.0.0.1:0");
		List<String> arguments = new ArrayList<>(tcpPool("echo", 1, "127.0.0.1:0"));
		arguments.removeIf((argument) -> argument.startsWith("--pistil.workers.echo.listen="));
		arguments.add("--spring.config.additional-location=file:" + config);
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		InetSocketAddress dropped = EchoPools.tcpAddress(this.arbiter, "echo");
		long before = ask(dropped, "before").pid();
		writeListen(config, "unix:" + file);

		this.arbiter.signal(UnixSignal.HUP);

		this.arbiter.awaitEvent(Reloading.class, READY);
		this.arbiter.await("the arbiter listening on the new address", Duration.ofSeconds(10),
				() -> Procfs.listening(this.arbiter.pid()).containsValue(UnixDomainSocketAddress.of(file)));
		this.arbiter.awaitEvent("the old worker's exit", READY, event(WorkerExited.class, before));
		Reply after = ask(UnixDomainSocketAddress.of(file), "after");
		assertThat(after.pid()).isNotEqualTo(before);
		assertThat(after.echo()).isEqualTo("echo after");
		this.arbiter.await("the dropped address closed", Duration.ofSeconds(10),
				() -> !Procfs.listening(this.arbiter.pid()).containsValue(dropped));
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ask(dropped, "nobody listens"));
	}

	/**
	 * The failure message is the feature: it names the address and the property. The
	 * arbiter binds before it spawns, so no worker ever runs.
	 */
	@Test
	void bindingAnAddressInUseFailsTheStartNamingTheAddress() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
			String address = "127.0.0.1:" + taken.getLocalPort();
			this.arbiter = TestApplication.launch(tcpPool("echo", 2, "127.0.0.1:0", address));
			Set<Long> children = new HashSet<>();
			Awaitility.await("the application's end").atMost(READY).pollInterval(Duration.ofMillis(20)).until(() -> {
				ProcessHandle.of(this.arbiter.pid())
					.ifPresent((arbiter) -> arbiter.children().forEach((child) -> children.add(child.pid())));
				return !this.arbiter.isAlive();
			});

			assertThat(this.arbiter.awaitExit(READY)).isNotZero();
			assertThat(this.arbiter.output())
				.contains("Pool 'echo' cannot listen on " + address + ": Address already in use (EADDRINUSE).")
				.contains("Stop the process that listens on " + address + ", or change pistil.workers.echo.listen.");
			assertThat(children).as("children of the arbiter while it ran").isEmpty();
		}
	}

	@Test
	void aConnectionWhoseHandlingFailsIsClosedAndTheWorkerCarriesOn() throws Exception {
		this.arbiter = TestApplication.launch(tcpPool("echo", 1, "127.0.0.1:0"));
		this.arbiter.awaitReady(READY);
		InetSocketAddress address = EchoPools.tcpAddress(this.arbiter, "echo");
		long worker = this.arbiter.workers("echo").get(1);

		Reply failed = ask(address, "fail");
		Reply next = ask(address, "next");

		assertThat(failed.pid()).as("closed before any reply").isZero();
		assertThat(next).isEqualTo(new Reply(worker, "echo next"));
		// The failure reaches the log with the worker's prefix and the exception.
		this.arbiter.awaitLine(
				(line) -> line.startsWith("[echo.1 pid " + worker + "]")
						&& line.contains("java.lang.IllegalStateException: asked to fail by /127.0.0.1:"),
				Duration.ofSeconds(10));
		assertThat(this.arbiter.workers("echo")).containsValue(worker);
		assertThat(this.arbiter.events(WorkerExited.class)).isEmpty();
	}

	@Test
	void aWorkerWithFourThreadsServesFourConnectionsAtOnce() throws Exception {
		List<String> arguments = new ArrayList<>(tcpPool("echo", 1, "127.0.0.1:0"));
		arguments.addAll(List.of("--pistil.workers.echo.threads=4", "--pistil.workers.echo.args.reply-millis=2000"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);

		List<TcpLoad.Outcome> outcomes = TcpLoad.start(EchoPools.tcpAddress(this.arbiter, "echo"), 4, 1, READY)
			.finish();

		assertThat(outcomes).hasSize(4).allMatch(TcpLoad.Outcome::complete);
		assertThat(outcomes).extracting(TcpLoad.Outcome::pid).containsOnly(this.arbiter.workers("echo").get(1));
		long lastGreeting = outcomes.stream().mapToLong(TcpLoad.Outcome::greetedAt).max().getAsLong();
		long firstEnd = outcomes.stream().mapToLong(TcpLoad.Outcome::endedAt).min().getAsLong();
		assertThat(lastGreeting).as("every connection accepted before the first one ended").isLessThan(firstEnd);
	}

	@Test
	void withReusePortEachWorkerBindsASocketOfItsOwn() throws Exception {
		int port = freePort();
		List<String> arguments = new ArrayList<>(tcpPool("echo", 2, "127.0.0.1:" + port));
		arguments.add("--pistil.workers.echo.reuse-port=true");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
		Set<Long> pids = new HashSet<>();

		// The kernel spreads connections over the workers' sockets by their addresses and
		// ports.
		for (int i = 0; i < 200 && pids.size() < 2; i++) {
			pids.add(ask(address, "request " + i).pid());
		}

		Collection<Long> workers = this.arbiter.workers("echo").values();
		assertThat(pids).containsExactlyInAnyOrderElementsOf(workers);
		assertThat(Procfs.listening(this.arbiter.pid())).as("the arbiter's listening sockets").isEmpty();
		Set<String> sockets = new HashSet<>();
		for (long worker : workers) {
			Map<Integer, SocketAddress> listening = Procfs.listening(worker);
			assertThat(listening).as("worker %d", worker).containsValue(address);
			listening.keySet().forEach((fd) -> sockets.add(Procfs.descriptors(worker).get(fd)));
		}
		assertThat(sockets).as("a socket of its own in each worker").hasSize(workers.size());
	}

	@Test
	void aWorkerPastItsMaxMemoryIsReplacedOnceItsReplacementIsReady() throws Exception {
		List<String> arguments = new ArrayList<>(tcpPool("echo", 1, "127.0.0.1:0"));
		arguments.addAll(List.of("--pistil.workers.echo.jvm-options=-Xmx512m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1",
				"--pistil.workers.echo.max-memory=300MB"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		InetSocketAddress address = EchoPools.tcpAddress(this.arbiter, "echo");
		long old = this.arbiter.workers("echo").get(1);

		assertThat(ask(address, "grow 300").pid()).isEqualTo(old);

		Event exit = this.arbiter.awaitEvent("the old worker's exit", READY, event(WorkerExited.class, old));
		assertThat(exit.cause()).isEqualTo("RECYCLED");
		List<Event> events = this.arbiter.events();
		Event replacementReady = events.stream()
			.filter((event) -> event.is(WorkerReady.class) && event.pid() != old)
			.findFirst()
			.orElseThrow();
		assertThat(replacementReady.index()).as("the replacement ready before the old worker stopped")
			.isLessThan(exit.index());
		assertThat(replacementReady.number()).as("under the old worker's number").isOne();
		assertThat(ask(address, "after").pid()).isEqualTo(replacementReady.pid());
	}

	private static void writeListen(Path config, String address) throws IOException {
		Files.writeString(config, "pistil.workers.echo.listen: \"" + address + "\"\n");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
