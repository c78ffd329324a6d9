package io.pistil.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spawns real processes through the native layer.
 */
class NativeProcessControlTests {

	private final ProcessControl processes = ProcessControl.load();

	@Test
	void spawnedChildHoldsOnlyStandardDescriptors() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertThat(descriptorsOfThisJvm()).as("a socket the child could inherit")
				.anyMatch((target) -> target.startsWith("socket:["));

			SpawnedProcess child = spawn("ls /proc/self/fd; readlink /proc/self/fd/0");

			String output = read(child.output());
			assertThat(this.processes.reap(child.pid())).isEqualTo(new ExitStatus(0, 0));
			// ls itself opens one descriptor to read the directory: 3.
			assertThat(output.lines().toList()).containsExactly("0", "1", "2", "3", "/dev/null");
		}
	}

	private static List<String> descriptorsOfThisJvm() throws IOException {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			List<String> targets = new ArrayList<>();
			for (Path fd : fds.toList()) {
				try {
					targets.add(Files.readSymbolicLink(fd).toString());
				}
				catch (IOException ex) {
					// The listing's own descriptor, closed by now.
				}
			}
			return targets;
		}
	}

	@Test
	void spawnedChildHasDefaultSignalDispositionsAndItsOwnProcessGroup() throws IOException {
		SpawnedProcess child = spawn("grep -E '^(SigIgn|SigBlk)' /proc/self/status; ps -o pgid= -p $$; echo $$");
		List<String> lines = read(child.output()).lines().map(String::trim).toList();
		this.processes.reap(child.pid());
		assertThat(lines.get(0)).isEqualTo("SigBlk:\t0000000000000000");
		// glibc keeps its two internal real-time signals (32, 33) ignored; the classic
		// ones must be default.
		long ignored = Long.parseLong(lines.get(1).substring("SigIgn:".length()).trim(), 16);
		assertThat(ignored & 0x7fffffffL).as("signals 1-31 ignored").isZero();
		assertThat(lines.get(2)).isEqualTo(lines.get(3));
	}

	@Test
	void exitCodeAndStandardErrorReachTheParent() throws IOException {
		SpawnedProcess child = spawn("echo oops >&2; exit 7");
		assertThat(read(child.errors())).isEqualTo("oops\n");
		assertThat(this.processes.reap(child.pid())).hasToString("exited with code 7");
	}

	@Test
	void signalledChildIsReportedWithItsSignal() throws IOException {
		SpawnedProcess child = spawn("exec sleep 60");
		assertThat(this.processes.signal(child.pid(), UnixSignal.KILL)).isTrue();
		assertThat(this.processes.reap(child.pid())).hasToString("was killed by signal 9 (SIGKILL)");
		assertThat(this.processes.signal(child.pid(), UnixSignal.TERM)).isFalse();
	}

	@Test
	void missingExecutableIsNamed() {
		assertThatExceptionOfType(SpawnException.class)
			.isThrownBy(() -> new SpawnRequest(Path.of("/no/such/java"), List.of(), Map.of()))
			.withMessageContaining("/no/such/java");
	}

	private SpawnedProcess spawn(String script) {
		return this.processes
			.spawn(new SpawnRequest(Path.of("/bin/sh"), List.of("-c", script), Map.of("PATH", "/usr/bin:/bin")));
	}

	private static String read(InputStream stream) throws IOException {
		try (stream) {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
