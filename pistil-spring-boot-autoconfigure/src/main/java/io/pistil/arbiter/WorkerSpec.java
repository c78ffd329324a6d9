package io.pistil.arbiter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.pistil.worker.ContextMode;

/**
 * Everything the arbiter needs to run one pool: which worker, how many, and how to
 * supervise them. Validated on construction, so a pool never starts half-configured.
 *
 * @param name the pool name
 * @param type what the children are: workers, or supervisors of pools of their own
 * @param workerClass fully qualified class name of the {@code Worker}; empty for
 * supervisors
 * @param beanName the bean to take from a {@link ContextMode#FULL full} context, or null
 * for the bean of {@code workerClass}
 * @param workers how many workers to keep running
 * @param minWorkers the fewest workers scaling down may leave
 * @param maxWorkers the most workers scaling up may reach
 * @param reloadSurge how many new workers a rolling reload starts at once, each before an
 * old one stops
 * @param timeout how long a ready worker may stay silent before it counts as hung
 * @param bootTimeout how long a worker may take to become ready
 * @param gracefulTimeout how long a worker may take to stop once asked to
 * @param pause pause between two calls of {@code handle} in the default loop
 * @param context which context the child starts
 * @param jvmOptions options for the child JVM
 * @param environment environment variables added to the child's
 * @param args free-form settings handed to the worker
 * @param restart when workers are restarted, how soon, and when the pool gives up
 * @param shutdown how workers are stopped
 * @param tcp where a tcp pool listens and how its workers serve connections; null for a
 * pool of another type
 * @param recycling when a worker that works is replaced
 */
public record WorkerSpec(String name, ChildType type, String workerClass, String beanName, int workers, int minWorkers,
		int maxWorkers, int reloadSurge, Duration timeout, Duration bootTimeout, Duration gracefulTimeout,
		Duration pause, ContextMode context, List<String> jvmOptions, Map<String, String> environment,
		Map<String, String> args, RestartPolicy restart, ShutdownMode shutdown, TcpSpec tcp, Recycling recycling) {

	public WorkerSpec {
		if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
			throw new InvalidSpecException(String.valueOf(name), "name", name,
					"must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");
		}
		Objects.requireNonNull(type, "type");
		if (type != ChildType.SUPERVISOR && (workerClass == null || workerClass.isBlank())) {
			throw new InvalidSpecException(name, "worker-class", workerClass, "is required");
		}
		if (workers < 0) {
			throw new InvalidSpecException(name, "workers", workers, "must be 0 or more");
		}
		if (minWorkers < 0) {
			throw new InvalidSpecException(name, "min-workers", minWorkers, "must be 0 or more");
		}
		if (maxWorkers < minWorkers) {
			throw new InvalidSpecException(name, "max-workers", maxWorkers,
					"must be min-workers (" + minWorkers + ") or more");
		}
		if (workers < minWorkers || workers > maxWorkers) {
			throw new InvalidSpecException(name, "workers", workers,
					"must be between min-workers (" + minWorkers + ") and max-workers (" + maxWorkers + ")");
		}
		if (reloadSurge < 1) {
			throw new InvalidSpecException(name, "reload-surge", reloadSurge, "must be 1 or more");
		}
		requirePositive(name, "timeout", timeout);
		requirePositive(name, "boot-timeout", bootTimeout);
		requirePositive(name, "graceful-timeout", gracefulTimeout);
		if (pause == null || pause.isNegative()) {
			throw new InvalidSpecException(name, "pause", pause, "must be zero or more");
		}
		Objects.requireNonNull(context, "context");
		Objects.requireNonNull(shutdown, "shutdown");
		restart.validate(name);
		jvmOptions = List.copyOf(jvmOptions);
		environment = Map.copyOf(environment);
		args = Map.copyOf(args);
		if ((type == ChildType.TCP) != (tcp != null)) {
			throw new IllegalArgumentException("Pool '" + name + "': tcp settings belong to pools of type tcp only");
		}
		if (tcp != null) {
			tcp.validate(name);
		}
		Objects.requireNonNull(recycling, "recycling").validate(name, tcp != null);
	}

	private static void requirePositive(String pool, String property, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidSpecException(pool, property, value, "must be more than zero");
		}
	}

}
