package io.pistil.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.util.unit.DataSize;

import io.pistil.arbiter.InvalidSpecException;
import io.pistil.arbiter.Recycling;
import io.pistil.arbiter.TcpSpec;
import io.pistil.arbiter.WorkerSpec;
import io.pistil.arbiter.ChildType;
import io.pistil.net.ListenAddress;
import io.pistil.worker.TcpClient;
import io.pistil.worker.TcpWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Resolves tcp pools and recycling from {@code pistil.workers.<name>} properties, and
 * names the property of an invalid value.
 */
class TcpWorkerSpecsTests {

	private final PistilProperties properties = new PistilProperties();

	@Test
	void tcpPoolGetsItsAddressesAndTheDefaults() {
		PistilProperties.Pool pool = tcpPool("echo");
		pool.setListen(List.of("127.0.0.1:5000", "[::1]:5000", "unix:/tmp/echo.sock"));
		WorkerSpec spec = single();
		assertThat(spec.tcp())
			.isEqualTo(new TcpSpec(List.of(ListenAddress.parse("127.0.0.1:5000"), ListenAddress.parse("[::1]:5000"),
					ListenAddress.parse("unix:/tmp/echo.sock")), 2048, false, "1", 1000));
		assertThat(spec.recycling()).isEqualTo(Recycling.NONE);
	}

	@Test
	void everyTcpPropertyIsUsed() {
		PistilProperties.Pool pool = tcpPool("echo");
		pool.setListen(List.of("127.0.0.1:5000"));
		pool.setBacklog(64);
		pool.setReusePort(true);
		pool.setThreads("virtual");
		pool.setWorkerConnections(50);
		pool.setMaxRequests(1000);
		pool.setMaxRequestsJitter(50);
		pool.setMaxMemory(DataSize.parse("256MB"));
		WorkerSpec spec = single();
		assertThat(spec.tcp())
			.isEqualTo(new TcpSpec(List.of(ListenAddress.parse("127.0.0.1:5000")), 64, true, "virtual", 50));
		assertThat(spec.recycling()).isEqualTo(new Recycling(1000, 50, 256L * 1024 * 1024));
	}

	@Test
	void workerPoolIsNoTcpPoolAndMayRecycleByMemory() {
		PistilProperties.Pool pool = pool("plain");
		pool.setWorkerClass(PlainWorker.class.getName());
		pool.setMaxMemory(DataSize.parse("300MB"));
		WorkerSpec spec = single();
		assertThat(spec.tcp()).isNull();
		assertThat(spec.recycling().maxMemory()).isEqualTo(300L * 1024 * 1024);
	}

	@Test
	void tcpWorkerInAWorkerPoolIsNamed() {
		pool("echo").setWorkerClass(EchoWorker.class.getName());
		assertInvalid("echo", "type", "worker",
				EchoWorker.class.getName() + " is a TcpWorker: set type: tcp and listen");
	}

	@Test
	void plainWorkerInATcpPoolIsNamed() {
		PistilProperties.Pool pool = tcpPool("echo");
		pool.setWorkerClass(PlainWorker.class.getName());
		pool.setListen(List.of("127.0.0.1:5000"));
		assertInvalid("echo", "worker-class", PlainWorker.class.getName(),
				"does not implement " + TcpWorker.class.getName());
	}

	@Test
	void invalidTcpSettingsAreNamed() {
		PistilProperties.Pool pool = tcpPool("echo");
		assertInvalid("echo", "listen", "", "a tcp pool needs at least one address");
		pool.setListen(List.of("127.0.0.1:5000", "localhost"));
		assertInvalid("echo", "listen", "localhost", "has no port: write host:port, [ipv6]:port or unix:/path");
		pool.setListen(List.of("127.0.0.1:5000", "127.0.0.1:5000"));
		assertInvalid("echo", "listen",
				List.of(ListenAddress.parse("127.0.0.1:5000"), ListenAddress.parse("127.0.0.1:5000")),
				"lists an address twice");
		pool.setListen(List.of("unix:/tmp/echo.sock"));
		pool.setReusePort(true);
		assertInvalid("echo", "listen", ListenAddress.parse("unix:/tmp/echo.sock"),
				"with reuse-port, every address needs a port of its own: no Unix socket, no port 0");
		pool.setReusePort(false);
		pool.setThreads("many");
		assertInvalid("echo", "threads", "many", "must be a number of threads (1 or more) or 'virtual'");
		pool.setThreads("1");
		pool.setBacklog(0);
		assertInvalid("echo", "backlog", 0, "must be 1 or more");
	}

	@Test
	void listenOrMaxRequestsOutsideATcpPoolAreNamed() {
		PistilProperties.Pool pool = pool("plain");
		pool.setWorkerClass(PlainWorker.class.getName());
		pool.setListen(List.of("127.0.0.1:5000"));
		assertInvalid("plain", "listen", "127.0.0.1:5000", "only a tcp pool listens: set type: tcp");
		pool.setListen(List.of());
		pool.setMaxRequests(100);
		assertInvalid("plain", "max-requests", 100L, "counts connections, which only a tcp pool handles");
	}

	private void assertInvalid(String pool, String property, Object value, String reason) {
		assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(this::single).satisfies((ex) -> {
			assertThat(ex.getPool()).isEqualTo(pool);
			assertThat(ex.getProperty()).isEqualTo(property);
			assertThat(ex.getValue()).isEqualTo(value);
			assertThat(ex.getReason()).isEqualTo(reason);
		});
	}

	private PistilProperties.Pool tcpPool(String name) {
		PistilProperties.Pool pool = pool(name);
		pool.setType(ChildType.TCP);
		pool.setWorkerClass(EchoWorker.class.getName());
		return pool;
	}

	private PistilProperties.Pool pool(String name) {
		return this.properties.getWorkers().computeIfAbsent(name, (key) -> new PistilProperties.Pool());
	}

	private WorkerSpec single() {
		List<WorkerSpec> specs = new WorkerSpecs(this.properties, new LinkedHashMap<>(),
				new DefaultListableBeanFactory(), getClass().getClassLoader())
			.resolve();
		assertThat(specs).hasSize(1);
		return specs.get(0);
	}

	static class EchoWorker implements TcpWorker {

		@Override
		public void handle(TcpClient client, WorkerContext context) {
		}

	}

	static class PlainWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

}
