package io.pistil.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.NotifySocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Listening sockets opened through the native layer, handed over to spawned children, and
 * datagrams to a Unix socket.
 */
class NativeSocketControlTests {

	private static final int O_CLOEXEC = 02000000;

	private final SocketControl sockets = SocketControl.load();

	private final ProcessControl processes = ProcessControl.load();

	@Test
	void listeningSocketIsCloseOnExecAndReportsThePortTheSystemChose() throws IOException {
		ListeningSocket socket = this.sockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		try {
			InetSocketAddress bound = (InetSocketAddress) socket.address();
			assertThat(bound.getPort()).isPositive();
			assertThat(this.sockets.listeningAddress(socket.fd())).contains(bound);
			assertThat(flags(socket.fd()) & O_CLOEXEC).isEqualTo(O_CLOEXEC);
			try (Socket client = new Socket(bound.getAddress(), bound.getPort())) {
				assertThat(client.isConnected()).isTrue();
			}
		}
		finally {
			this.sockets.close(socket.fd());
		}
		assertThat(this.sockets.listeningAddress(socket.fd())).isEmpty();
	}

	@Test
	void ipv6AndUnixSocketsListenToo(@TempDir Path directory) throws IOException {
		ListeningSocket ipv6 = this.sockets.listen(new InetSocketAddress(InetAddress.getByName("::1"), 0), 16);
		Path file = directory.resolve("test.sock");
		ListeningSocket unix = this.sockets.listen(UnixDomainSocketAddress.of(file), 16);
		try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(file))) {
			assertThat(((InetSocketAddress) ipv6.address()).getAddress()).isEqualTo(InetAddress.getByName("::1"));
			assertThat(unix.address()).isEqualTo(UnixDomainSocketAddress.of(file));
			assertThat(client.isConnected()).isTrue();
		}
		finally {
			this.sockets.close(ipv6.fd());
			this.sockets.close(unix.fd());
		}
	}

	@Test
	void addressInUseIsABindException() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
			assertThatExceptionOfType(BindException.class)
				.isThrownBy(() -> this.sockets.listen(taken.getLocalSocketAddress(), 16))
				.withMessageContaining("EADDRINUSE");
		}
	}

	/**
	 * Handed over in reverse order of their numbers, so that a careless dup2 would
	 * overwrite one.
	 */
	@Test
	void childGetsTheHandedOverSocketsAsDescriptorsThreeAndFourAndNothingElse() throws IOException {
		ListeningSocket first = this.sockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		ListeningSocket second = this.sockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		try {
			SpawnedProcess child = this.processes.spawn(new SpawnRequest(Path.of("/bin/sh"),
					List.of("-c", "ls /proc/self/fd; readlink /proc/self/fd/3 /proc/self/fd/4"),
					Map.of("PATH", "/usr/bin:/bin"), List.of(second.fd(), first.fd())));
			String output = read(child.output());
			assertThat(this.processes.reap(child.pid())).isEqualTo(new ExitStatus(0, 0));
			// ls itself opens one descriptor to read the directory: 5.
			assertThat(output.lines().toList()).containsExactly("0", "1", "2", "3", "4", "5", inode(second.fd()),
					inode(first.fd()));
		}
		finally {
			this.sockets.close(first.fd());
			this.sockets.close(second.fd());
		}
	}

	@Test
	void datagramReachesAUnixSocketByPath(@TempDir Path directory) throws Exception {
		try (NotifySocket receiver = new NotifySocket(directory.resolve("notify"))) {
			this.sockets.sendDatagram(receiver.path().toString(), "READY=1".getBytes(StandardCharsets.UTF_8));
			assertThat(receiver.receive(Duration.ofSeconds(5))).isEqualTo("READY=1");
		}
	}

	@Test
	void datagramToNoSocketFails(@TempDir Path directory) {
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.sockets.sendDatagram(directory.resolve("none").toString(), new byte[] { 1 }))
			.withMessageContaining("ENOENT");
	}

	private static String inode(int fd) throws IOException {
		return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
	}

	private static int flags(int fd) throws IOException {
		String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))
			.stream()
			.filter((line) -> line.startsWith("flags:"))
			.findFirst()
			.orElseThrow();
		return Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
	}

	private static String read(InputStream stream) throws IOException {
		try (stream) {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
