package io.pistil.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import io.pistil.arbiter.ArbiterEvent;
import io.pistil.arbiter.WorkerLaunchCustomizer;

/**
 * An arbiter application for integration tests: no component scan, so each test declares
 * its pools on the command line ({@code --pistil.workers.<name>.worker-class=...}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EventRecording.class)
public class TestApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		// The test class path has a web server, for the actuator's tests: they ask for
		// it.
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args);
	}

	/** Starts this application in a JVM of its own. */
	static ArbiterProcess launch(List<String> arguments) {
		List<String> all = new ArrayList<>(arguments);
		all.add("--spring.main.banner-mode=off");
		return ArbiterProcess.start(TestApplication.class, all.toArray(String[]::new));
	}

	/**
	 * Descriptors the arbiter holds open when it spawns: a file and a listening socket
	 * that no child may inherit.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnProperty("test.canary-file")
	Canary canary(org.springframework.core.env.Environment environment) {
		return new Canary(Path.of(environment.getRequiredProperty("test.canary-file")));
	}

	/**
	 * A listener that fails on one kind of event, to show that it stops nothing, and a
	 * launch customizer whose mark the workers report.
	 */
	@Bean
	@ConditionalOnProperty("test.hooks")
	FailingListener failingListener() {
		return new FailingListener();
	}

	@Bean
	@ConditionalOnProperty("test.hooks")
	WorkerLaunchCustomizer testLaunchCustomizer() {
		return (launch) -> launch.environment().put("PISTIL_TEST_CUSTOMIZED", launch.pool() + "." + launch.number());
	}

	static final class FailingListener {

		@EventListener
		void on(ArbiterEvent.WorkerStarted event) {
			throw new IllegalStateException("a listener that fails");
		}

	}

	static final class Canary implements AutoCloseable {

		private final FileChannel file;

		private final ServerSocket socket;

		Canary(Path path) {
			try {
				this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() throws IOException {
			this.file.close();
			this.socket.close();
		}

	}

}
