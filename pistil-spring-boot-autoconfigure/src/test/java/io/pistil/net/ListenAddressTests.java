package io.pistil.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Listen addresses as a configuration writes them.
 */
class ListenAddressTests {

	@Test
	void ipv4HostAndPort() throws Exception {
		ListenAddress address = ListenAddress.parse("127.0.0.1:5000");
		assertThat(address.socketAddress()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000));
		assertThat(address.family()).isEqualTo(StandardProtocolFamily.INET);
		assertThat(address).hasToString("127.0.0.1:5000");
	}

	@Test
	void ipv6InBracketsIsWrittenInItsShortForm() throws Exception {
		ListenAddress address = ListenAddress.parse("[0:0:0:0:0:0:0:1]:5000");
		assertThat(address.socketAddress()).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 5000));
		assertThat(address.family()).isEqualTo(StandardProtocolFamily.INET6);
		assertThat(address).hasToString("[::1]:5000");
		assertThat(ListenAddress.parse("[fd00:0:0:1:0:0:0:2]:80")).hasToString("[fd00:0:0:1::2]:80");
		assertThat(ListenAddress.parse("[::]:80")).hasToString("[::]:80");
	}

	@Test
	void unixSocketPath() {
		ListenAddress address = ListenAddress.parse("unix:/run/app/echo.sock");
		assertThat(address.socketAddress()).isEqualTo(UnixDomainSocketAddress.of("/run/app/echo.sock"));
		assertThat(address.isUnix()).isTrue();
		assertThat(address.family()).isEqualTo(StandardProtocolFamily.UNIX);
		assertThat(address).hasToString("unix:/run/app/echo.sock");
	}

	@Test
	void hostNameIsResolved() throws Exception {
		InetSocketAddress resolved = (InetSocketAddress) ListenAddress.parse("localhost:0").socketAddress();
		assertThat(resolved.isUnresolved()).isFalse();
		assertThat(resolved.getAddress().isLoopbackAddress()).isTrue();
	}

	@Test
	void invalidAddressesSayWhatIsWrong() {
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse(""))
			.withMessageStartingWith("is empty");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("5000"))
			.withMessageStartingWith("has no port");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("127.0.0.1:http"))
			.withMessageStartingWith("has an invalid port 'http'");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("127.0.0.1:65536"))
			.withMessageStartingWith("has an invalid port");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("::1:5000"))
			.withMessage("is an IPv6 address without brackets: write [::1]:port");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("[127.0.0.1]:5000"))
			.withMessageContaining("no IPv6 address");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("unix:"))
			.withMessageStartingWith("names no path");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenAddress.parse("no-such-host.invalid:80"))
			.withMessage("names an unknown host 'no-such-host.invalid'");
	}

}
