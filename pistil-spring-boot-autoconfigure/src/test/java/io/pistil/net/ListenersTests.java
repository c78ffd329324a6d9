package io.pistil.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.net.Listeners.Listener;
import io.pistil.process.ListeningSocket;
import io.pistil.process.SocketControl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A pool's listening sockets through starts, reloads and stops, with real sockets on
 * loopback.
 */
class ListenersTests {

	private final SocketControl sockets = SocketControl.load();

	private final Listeners listeners = new Listeners(this.sockets, Map.of());

	@AfterEach
	void closeEverything() {
		this.listeners.close();
	}

	/**
	 * A reload: the new addresses open at once, a dropped one closes once the reload is
	 * over.
	 */
	@Test
	void listeningAgainKeepsEverySocketAndRetainClosesThoseOfDroppedAddresses(@TempDir Path directory)
			throws IOException {
		ListenAddress kept = ListenAddress.parse("127.0.0.1:0");
		ListenAddress dropped = ListenAddress.parse("[::1]:0");
		ListenAddress added = ListenAddress.parse("unix:" + directory.resolve("echo.sock"));
		this.listeners.listen("echo", List.of(kept, dropped), 16);
		List<Listener> before = this.listeners.of("echo", List.of(kept, dropped));

		this.listeners.listen("echo", List.of(kept, added), 16);

		assertThat(this.listeners.of("echo", List.of(kept, dropped))).isEqualTo(before);
		connect(this.listeners.of("echo", List.of(added)).get(0).boundAddress());

		this.listeners.retain("echo", List.of(kept, added));

		connect(before.get(0).boundAddress());
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(before.get(1).boundAddress()));
		assertThatIllegalStateException().isThrownBy(() -> this.listeners.of("echo", List.of(dropped)))
			.withMessage("Pool 'echo' does not listen on " + dropped);
	}

	@Test
	void anAddressInUseIsNamedAndLeavesThePoolAsItWas() throws IOException {
		ListenAddress listening = ListenAddress.parse("127.0.0.1:0");
		this.listeners.listen("echo", List.of(listening), 16);
		List<Listener> before = this.listeners.of("echo", List.of(listening));
		try (ServerSocket taken = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
			ListenAddress free = ListenAddress.parse("[::1]:0");
			ListenAddress busy = ListenAddress.parse("127.0.0.1:" + taken.getLocalPort());

			assertThatExceptionOfType(ListenException.class)
				.isThrownBy(() -> this.listeners.listen("echo", List.of(free, busy), 16))
				.withMessageStartingWith(
						"Pool 'echo' cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use")
				.satisfies((ex) -> assertThat(ex.getAddress()).isEqualTo(busy.toString()));
			assertThat(this.listeners.of("echo", List.of(listening))).isEqualTo(before);
			assertThatIllegalStateException().isThrownBy(() -> this.listeners.of("echo", List.of(free)));
		}
	}

	@Test
	void unixSocketFileIsRemovedOnCloseAndAStaleOneIsReplaced(@TempDir Path directory) throws IOException {
		Path file = directory.resolve("echo.sock");
		ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		dead.bind(UnixDomainSocketAddress.of(file));
		dead.close();
		assertThat(file).as("left behind by a server that died").exists();

		this.listeners.listen("echo", List.of(ListenAddress.parse("unix:" + file)), 16);

		connect(UnixDomainSocketAddress.of(file));
		this.listeners.close();
		assertThat(file).doesNotExist();
	}

	@Test
	void unixSocketOfALiveServerOrAFileThatIsNoSocketIsLeftAlone(@TempDir Path directory) throws IOException {
		Path file = directory.resolve("data.txt");
		Files.writeString(file, "keep me");
		assertThatExceptionOfType(ListenException.class)
			.isThrownBy(() -> this.listeners.listen("echo", List.of(ListenAddress.parse("unix:" + file)), 16))
			.withMessageEndingWith("the file exists and is no socket");
		assertThat(file).hasContent("keep me");
		Path socket = directory.resolve("live.sock");
		try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			live.bind(UnixDomainSocketAddress.of(socket));
			assertThatExceptionOfType(ListenException.class)
				.isThrownBy(() -> this.listeners.listen("echo", List.of(ListenAddress.parse("unix:" + socket)), 16))
				.withMessageContaining("Address already in use");
			assertThat(socket).exists();
		}
	}

	@Test
	void aSocketFromSocketActivationIsTakenInsteadOfBoundAndOutlivesTheListeners() throws IOException {
		ListeningSocket activated = this.sockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		try {
			Listeners fromSystemd = new Listeners(this.sockets, Map.of(activated.address(), activated.fd()));
			ListenAddress address = new ListenAddress(activated.address());
			fromSystemd.listen("echo", List.of(address), 16);
			assertThat(fromSystemd.of("echo", List.of(address)))
				.containsExactly(new Listener(address, activated.address(), activated.fd(), true));
			assertThat(fromSystemd.unusedActivated()).isEmpty();

			fromSystemd.close();

			assertThat(this.sockets.listeningAddress(activated.fd())).contains(activated.address());
			assertThat(fromSystemd.unusedActivated()).containsExactly(activated.address());
		}
		finally {
			this.sockets.close(activated.fd());
		}
	}

	private static void connect(SocketAddress address) throws IOException {
		if (address instanceof UnixDomainSocketAddress) {
			SocketChannel.open(address).close();
		}
		else {
			new Socket(((InetSocketAddress) address).getAddress(), ((InetSocketAddress) address).getPort()).close();
		}
	}

}
