package io.pistil.it;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

import io.pistil.arbiter.ArbiterEvent;

/**
 * What a test application imports so that its tests read facts instead of log lines:
 * every arbiter event, the web server's port and the application's readiness, written to
 * the file that {@code test.events-file} names ({@link ArbiterProcess} passes it).
 */
@Configuration(proxyBeanMethods = false)
public class EventRecording {

	@Bean
	@ConditionalOnProperty(ArbiterProcess.EVENTS_FILE_PROPERTY)
	EventRecorder eventRecorder(Environment environment) {
		return new EventRecorder(Path.of(environment.getRequiredProperty(ArbiterProcess.EVENTS_FILE_PROPERTY)));
	}

	static final class EventRecorder {

		private final Path file;

		EventRecorder(Path file) {
			this.file = file;
		}

		/** First, so that a listener that fails after it cannot keep an event from it. */
		@EventListener
		@Order(Ordered.HIGHEST_PRECEDENCE)
		void on(ArbiterEvent event) {
			EventLog.append(this.file, event);
		}

		@EventListener
		void on(WebServerInitializedEvent event) {
			EventLog.append(this.file, "WebServerStarted", Map.of("port", event.getWebServer().getPort()));
		}

		@EventListener
		void on(ApplicationReadyEvent event) {
			EventLog.append(this.file, "ApplicationReady", Map.of());
		}

	}

}
