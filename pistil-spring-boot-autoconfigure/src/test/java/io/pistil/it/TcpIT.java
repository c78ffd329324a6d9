package io.pistil.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.EchoPools.Reply;
import io.pistil.process.UnixSignal;

import static io.pistil.it.EchoPools.ask;
import static io.pistil.it.EchoPools.tcpPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tcp pools with real processes and sockets on loopback: the workers of a pool share the
 * arbiter's sockets over IPv4, IPv6 and Unix sockets, keep them across reloads, survive
 * failing connections, and are recycled by their memory.
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
		Reply ipv6 = ask(EchoPools.listeningAddress(this.arbiter, "echo", "[::1]:"), "over IPv6");
		Reply unix = ask(EchoPools.unixAddress(this.arbiter, "echo"), "over a Unix socket");

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
		SocketAddress address = EchoPools.unixAddress(this.arbiter, "echo");
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
			this.arbiter.awaitLine((line) -> line.contains("pool echo reloaded"), READY);
			this.arbiter.await("the old worker gone", Duration.ofSeconds(10),
					() -> !this.arbiter.workers("echo").containsValue(before));
		}
		finally {
			sampling.set(false);
			sampler.join();
		}
		assertThat(everMissing).isFalse();
		Reply after = ask(address, "after");
		assertThat(after.pid()).isNotEqualTo(before);
		assertThat(this.arbiter.workers("echo")).containsOnly(Map.entry(2, after.pid()));
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

		this.arbiter.awaitLine((line) -> line.contains("pool echo reloaded"), READY);
		this.arbiter.await("the old worker gone", Duration.ofSeconds(10),
				() -> !this.arbiter.workers("echo").containsValue(before));
		Reply after = ask(EchoPools.unixAddress(this.arbiter, "echo"), "after");
		assertThat(after.pid()).isNotEqualTo(before);
		assertThat(after.echo()).isEqualTo("echo after");
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ask(dropped, "nobody listens"));
	}

	@Test
	void bindingAnAddressInUseFailsTheStartNamingTheAddress() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
			String address = "127.0.0.1:" + taken.getLocalPort();
			this.arbiter = TestApplication.launch(tcpPool("echo", 2, "127.0.0.1:0", address));

			assertThat(this.arbiter.awaitExit(READY)).isNotZero();
			assertThat(this.arbiter.output())
				.contains("Pool 'echo' cannot listen on " + address + ": Address already in use (EADDRINUSE).")
				.contains("Stop the process that listens on " + address + ", or change pistil.workers.echo.listen.")
				.doesNotContain("spawned");
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
		this.arbiter.awaitLine(
				(line) -> line.startsWith("[echo.1 pid " + worker + "]") && line.contains("connection from /127.0.0.1:")
						&& line.contains("failed and is closed (1 failed so far)"),
				Duration.ofSeconds(10));
		assertThat(this.arbiter.output()).contains("java.lang.IllegalStateException: asked to fail by /127.0.0.1:");
		assertThat(this.arbiter.workers("echo")).containsValue(worker);
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

		assertThat(pids).containsExactlyInAnyOrderElementsOf(this.arbiter.workers("echo").values());
		assertThat(this.arbiter.output()).doesNotContain("pool echo listening on");
	}

	@Test
	void aWorkerPastItsMaxMemoryIsReplacedOnceItsReplacementIsReady() throws Exception {
		List<String> arguments = new ArrayList<>(tcpPool("echo", 1, "127.0.0.1:0"));
		arguments.addAll(List.of("--pistil.workers.echo.jvm-options=-Xmx512m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1",
				"--pistil.workers.echo.max-memory=300MB", "--test.print-events=true"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		InetSocketAddress address = EchoPools.tcpAddress(this.arbiter, "echo");
		long old = this.arbiter.workers("echo").get(1);

		assertThat(ask(address, "grow 300").pid()).isEqualTo(old);

		String recycling = this.arbiter.awaitLine(
				(line) -> line.contains("worker echo.1 (pid " + old + ") uses ")
						&& line.contains("past its max-memory of 300 MB: recycling it once its replacement is ready"),
				READY);
		String exit = this.arbiter.awaitLine((line) -> line.contains("cause=RECYCLED"), READY);
		assertThat(exit).contains("WorkerExited[pool=echo, number=1, pid=" + old);
		List<String> lines = this.arbiter.lines();
		String replacementReady = lines.stream()
			.filter((line) -> line.matches(".*worker echo\\.2 \\(pid \\d+\\) ready in.*"))
			.findFirst()
			.orElseThrow();
		assertThat(lines.indexOf(recycling)).isLessThan(lines.indexOf(replacementReady));
		assertThat(lines.indexOf(replacementReady)).isLessThan(lines.indexOf(exit));
		assertThat(ask(address, "after").pid()).isNotEqualTo(old).isEqualTo(this.arbiter.workers("echo").get(2));
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
