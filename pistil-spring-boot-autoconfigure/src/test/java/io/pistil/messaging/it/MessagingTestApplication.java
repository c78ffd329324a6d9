package io.pistil.messaging.it;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.pistil.it.EventRecording;
import io.pistil.messaging.PistilListener;
import io.pistil.messaging.PistilMessaging;

/**
 * An arbiter application for messaging's integration tests: its pools come from the
 * command line; a probe endpoint sends, offers, requests and publishes on the test's
 * behalf, and reports what the arbiter's own listener of {@code results} collected.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EventRecording.class)
public class MessagingTestApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(MessagingTestApplication.class);
		application.setDefaultProperties(Map.of("server.port", "0", "server.address", "127.0.0.1",
				"management.endpoints.web.exposure.include", "health,metrics,pistil,probe",
				"management.endpoint.probe.access", "unrestricted", "spring.main.banner-mode", "off"));
		application.run(args);
	}

	@Bean
	Results results() {
		return new Results();
	}

	@Bean
	Probe probe(PistilMessaging messaging, Results results) {
		return new Probe(messaging, results);
	}

	/** The arbiter's listener of the results its workers send. */
	static final class Results {

		final Set<String> distinct = ConcurrentHashMap.newKeySet();

		@PistilListener(queue = "results")
		void result(String result) {
			this.distinct.add(result);
		}

	}

	@Endpoint(id = "probe")
	static final class Probe {

		private final PistilMessaging messaging;

		private final Results results;

		Probe(PistilMessaging messaging, Results results) {
			this.messaging = messaging;
			this.results = results;
		}

		@ReadOperation
		Map<String, Object> results() {
			Map<String, Object> state = new LinkedHashMap<>();
			state.put("distinct", this.results.distinct.size());
			state.put("results", (this.results.distinct.size() <= 100) ? Set.copyOf(this.results.distinct) : Set.of());
			return state;
		}

		@WriteOperation
		Map<String, Object> act(String action, String destination, @Nullable String payload, @Nullable Integer count)
				throws InterruptedException {
			Map<String, Object> outcome = new LinkedHashMap<>();
			switch (action) {
				case "send" -> {
					for (int i = 1; i <= count; i++) {
						this.messaging.send(destination, Integer.toString(i));
					}
					outcome.put("sent", count);
				}
				case "offer" -> {
					int accepted = 0;
					while (accepted < count && this.messaging.offer(destination, Integer.toString(accepted + 1))) {
						accepted++;
					}
					outcome.put("accepted", accepted);
				}
				case "request" -> {
					try {
						outcome.put("reply",
								this.messaging.request(destination, payload, String.class).get(30, TimeUnit.SECONDS));
					}
					catch (ExecutionException | TimeoutException ex) {
						outcome.put("error", String.valueOf((ex.getCause() != null) ? ex.getCause() : ex));
					}
				}
				case "requests" -> {
					// A pause longer than the hub's spin between requests: each one wakes
					// it.
					int answered = 0;
					for (int i = 0; i < count; i++) {
						LockSupport.parkNanos(200_000);
						try {
							this.messaging.request(destination, "q" + i, String.class).get(5, TimeUnit.SECONDS);
							answered++;
						}
						catch (ExecutionException | TimeoutException ex) {
							break;
						}
					}
					outcome.put("answered", answered);
				}
				case "publish" -> this.messaging.publish(destination, payload);
				case "clear" -> this.results.distinct.clear();
				default -> throw new IllegalArgumentException(action);
			}
			return outcome;
		}

	}

}
