package io.pistil.arbiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pistil.worker.ContextMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * A spec validates itself on construction and names the pool, the setting and the value
 * it rejects.
 */
class WorkerSpecTests {

	@Test
	void negativeWorkerCountIsRejected() {
		assertInvalid(spec().workers(-1), "mail", "workers", -1, "must be 0 or more");
	}

	@Test
	void zeroWorkersIsAllowed() {
		assertThat(spec().workers(0).build().workers()).isZero();
	}

	@Test
	void zeroTimeoutIsRejected() {
		assertInvalid(spec().timeout(Duration.ZERO), "mail", "timeout", Duration.ZERO, "must be more than zero");
	}

	@Test
	void negativeTimeoutIsRejected() {
		assertInvalid(spec().timeout(Duration.ofSeconds(-5)), "mail", "timeout", Duration.ofSeconds(-5),
				"must be more than zero");
	}

	@Test
	void missingTimeoutIsRejected() {
		assertInvalid(spec().timeout(null), "mail", "timeout", null, "must be more than zero");
	}

	@Test
	void zeroBootTimeoutIsRejected() {
		assertInvalid(spec().bootTimeout(Duration.ZERO), "mail", "boot-timeout", Duration.ZERO,
				"must be more than zero");
	}

	@Test
	void negativeBootTimeoutIsRejected() {
		assertInvalid(spec().bootTimeout(Duration.ofMillis(-1)), "mail", "boot-timeout", Duration.ofMillis(-1),
				"must be more than zero");
	}

	@Test
	void zeroGracefulTimeoutIsRejected() {
		assertInvalid(spec().gracefulTimeout(Duration.ZERO), "mail", "graceful-timeout", Duration.ZERO,
				"must be more than zero");
	}

	@Test
	void negativeGracefulTimeoutIsRejected() {
		assertInvalid(spec().gracefulTimeout(Duration.ofSeconds(-1)), "mail", "graceful-timeout",
				Duration.ofSeconds(-1), "must be more than zero");
	}

	@Test
	void negativePauseIsRejected() {
		assertInvalid(spec().pause(Duration.ofMillis(-10)), "mail", "pause", Duration.ofMillis(-10),
				"must be zero or more");
	}

	@Test
	void missingPauseIsRejected() {
		assertInvalid(spec().pause(null), "mail", "pause", null, "must be zero or more");
	}

	@Test
	void zeroPauseIsAllowed() {
		assertThat(spec().pause(Duration.ZERO).build().pause()).isZero();
	}

	@Test
	void nameWithASpaceIsRejected() {
		assertInvalid(spec().name("mail out"), "mail out", "name", "mail out",
				"must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");
	}

	@Test
	void nameStartingWithAPunctuationMarkIsRejected() {
		assertInvalid(spec().name("-mail"), "-mail", "name", "-mail",
				"must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");
	}

	@Test
	void emptyNameIsRejected() {
		assertInvalid(spec().name(""), "", "name", "",
				"must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");
	}

	@Test
	void missingNameIsRejected() {
		assertInvalid(spec().name(null), "null", "name", null,
				"must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");
	}

	@Test
	void namesWithDigitsDotsUnderscoresAndDashesAreAllowed() {
		assertThatNoException().isThrownBy(() -> spec().name("7mail.out_eu-1").build());
	}

	@Test
	void blankWorkerClassIsRejected() {
		assertInvalid(spec().workerClass("  "), "mail", "worker-class", "  ", "is required");
	}

	@Test
	void missingWorkerClassIsRejected() {
		assertInvalid(spec().workerClass(null), "mail", "worker-class", null, "is required");
	}

	@Test
	void exceptionMessageNamesPoolPropertyAndValue() {
		assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> spec().workers(-2).build())
			.withMessage("Invalid value '-2' for workers of pool 'mail': must be 0 or more");
	}

	@Test
	void validSpecCopiesItsCollections() {
		List<String> jvmOptions = new ArrayList<>(List.of("-Xmx64m"));
		Map<String, String> environment = new LinkedHashMap<>(Map.of("TZ", "UTC"));
		Map<String, String> args = new LinkedHashMap<>(Map.of("queue", "mail"));
		WorkerSpec spec = spec().jvmOptions(jvmOptions).environment(environment).args(args).build();
		jvmOptions.add("-Xss1m");
		environment.put("LANG", "C");
		args.put("batch", "10");
		assertThat(spec.jvmOptions()).containsExactly("-Xmx64m");
		assertThat(spec.environment()).containsExactly(Map.entry("TZ", "UTC"));
		assertThat(spec.args()).containsExactly(Map.entry("queue", "mail"));
	}

	@Test
	void validSpecCollectionsCannotBeChanged() {
		WorkerSpec spec = spec().jvmOptions(new ArrayList<>(List.of("-Xmx64m")))
			.environment(new LinkedHashMap<>(Map.of("TZ", "UTC")))
			.args(new LinkedHashMap<>(Map.of("queue", "mail")))
			.build();
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> spec.jvmOptions().add("-Xss1m"));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> spec.environment().put("LANG", "C"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> spec.args().put("batch", "10"));
	}

	@Test
	void validSpecKeepsItsValues() {
		WorkerSpec spec = spec().build();
		assertThat(spec.name()).isEqualTo("mail");
		assertThat(spec.workerClass()).isEqualTo("com.example.MailWorker");
		assertThat(spec.beanName()).isNull();
		assertThat(spec.workers()).isEqualTo(2);
		assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(spec.bootTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(spec.gracefulTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(spec.pause()).isEqualTo(Duration.ofMillis(100));
		assertThat(spec.context()).isEqualTo(ContextMode.SLIM);
	}

	private static void assertInvalid(Builder builder, String pool, String property, Object value, String reason) {
		assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(builder::build).satisfies((ex) -> {
			assertThat(ex.getPool()).isEqualTo(pool);
			assertThat(ex.getProperty()).isEqualTo(property);
			assertThat(ex.getValue()).isEqualTo(value);
			assertThat(ex.getReason()).isEqualTo(reason);
			assertThat(ex.getMessage()).contains("'" + ex.getDisplayValue() + "'", property, "'" + pool + "'");
		});
	}

	private static Builder spec() {
		return new Builder();
	}

	/** A valid spec, one setting of which each test spoils. */
	private static final class Builder {

		private String name = "mail";

		private String workerClass = "com.example.MailWorker";

		private int workers = 2;

		private Duration timeout = Duration.ofSeconds(30);

		private Duration bootTimeout = Duration.ofSeconds(60);

		private Duration gracefulTimeout = Duration.ofSeconds(10);

		private Duration pause = Duration.ofMillis(100);

		private List<String> jvmOptions = List.of();

		private Map<String, String> environment = Map.of();

		private Map<String, String> args = Map.of();

		Builder name(String name) {
			this.name = name;
			return this;
		}

		Builder workerClass(String workerClass) {
			this.workerClass = workerClass;
			return this;
		}

		Builder workers(int workers) {
			this.workers = workers;
			return this;
		}

		Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		Builder bootTimeout(Duration bootTimeout) {
			this.bootTimeout = bootTimeout;
			return this;
		}

		Builder gracefulTimeout(Duration gracefulTimeout) {
			this.gracefulTimeout = gracefulTimeout;
			return this;
		}

		Builder pause(Duration pause) {
			this.pause = pause;
			return this;
		}

		Builder jvmOptions(List<String> jvmOptions) {
			this.jvmOptions = jvmOptions;
			return this;
		}

		Builder environment(Map<String, String> environment) {
			this.environment = environment;
			return this;
		}

		Builder args(Map<String, String> args) {
			this.args = args;
			return this;
		}

		WorkerSpec build() {
			return new WorkerSpec(this.name, ChildType.WORKER, this.workerClass, null, this.workers, 0, 256, 1,
					this.timeout, this.bootTimeout, this.gracefulTimeout, this.pause, ContextMode.SLIM, this.jvmOptions,
					this.environment, this.args, RestartPolicy.DEFAULT, ShutdownMode.GRACEFUL, null, Recycling.NONE,
					RunAs.ARBITER);
		}

	}

}
