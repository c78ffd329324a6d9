package io.pistil.arbiter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.pistil.worker.ContextMode;

/**
 * Everything the arbiter needs to run one pool: which worker, how many, and how to
 * supervise them. Validated on construction, so a pool never starts half-configured.
 * Built with {@link #builder(String)}, which holds every default in one place.
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
 * @param runAs the user, group and umask the children run as
 */
public record WorkerSpec(String name, ChildType type, String workerClass, String beanName, int workers, int minWorkers,
		int maxWorkers, int reloadSurge, Duration timeout, Duration bootTimeout, Duration gracefulTimeout,
		Duration pause, ContextMode context, List<String> jvmOptions, Map<String, String> environment,
		Map<String, String> args, RestartPolicy restart, ShutdownMode shutdown, TcpSpec tcp, Recycling recycling,
		RunAs runAs) {

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
		Objects.requireNonNull(runAs, "runAs").validate(name);
	}

	private static void requirePositive(String pool, String property, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidSpecException(pool, property, value, "must be more than zero");
		}
	}

	/**
	 * Starts a spec of a pool with every setting at its default: one worker of type
	 * {@code worker}, 0 to 64 workers, reload-surge 1, timeouts of 30 s (heartbeat), 60 s
	 * (boot) and 30 s (graceful stop), a pause of 100 ms, a slim context, no JVM option,
	 * environment or args, the default restart policy, a graceful shutdown, no recycling,
	 * and the arbiter's user.
	 * @param name the pool name
	 * @return the builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Builds a {@link WorkerSpec}; {@link #build()} validates it.
	 */
	public static final class Builder {

		/** The most workers scaling up may reach, unless set or the count is larger. */
		public static final int DEFAULT_MAX_WORKERS = 64;

		private final String name;

		private ChildType type = ChildType.WORKER;

		private String workerClass;

		private String beanName;

		private int workers = 1;

		private int minWorkers;

		private Integer maxWorkers;

		private int reloadSurge = 1;

		private Duration timeout = Duration.ofSeconds(30);

		private Duration bootTimeout = Duration.ofSeconds(60);

		private Duration gracefulTimeout = Duration.ofSeconds(30);

		private Duration pause = Duration.ofMillis(100);

		private ContextMode context = ContextMode.SLIM;

		private List<String> jvmOptions = List.of();

		private Map<String, String> environment = Map.of();

		private Map<String, String> args = Map.of();

		private RestartPolicy restart = RestartPolicy.DEFAULT;

		private ShutdownMode shutdown = ShutdownMode.GRACEFUL;

		private TcpSpec tcp;

		private Recycling recycling = Recycling.NONE;

		private RunAs runAs = RunAs.ARBITER;

		private Builder(String name) {
			this.name = name;
		}

		public Builder type(ChildType type) {
			this.type = type;
			return this;
		}

		public Builder workerClass(String workerClass) {
			this.workerClass = workerClass;
			return this;
		}

		/**
		 * The bean to take from a full context, or null for the bean of the worker class.
		 */
		public Builder beanName(String beanName) {
			this.beanName = beanName;
			return this;
		}

		public Builder workers(int workers) {
			this.workers = workers;
			return this;
		}

		public Builder minWorkers(int minWorkers) {
			this.minWorkers = minWorkers;
			return this;
		}

		/**
		 * The most workers; by default {@value #DEFAULT_MAX_WORKERS}, or the count if
		 * larger.
		 */
		public Builder maxWorkers(int maxWorkers) {
			this.maxWorkers = maxWorkers;
			return this;
		}

		public Builder reloadSurge(int reloadSurge) {
			this.reloadSurge = reloadSurge;
			return this;
		}

		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		public Builder bootTimeout(Duration bootTimeout) {
			this.bootTimeout = bootTimeout;
			return this;
		}

		public Builder gracefulTimeout(Duration gracefulTimeout) {
			this.gracefulTimeout = gracefulTimeout;
			return this;
		}

		public Builder pause(Duration pause) {
			this.pause = pause;
			return this;
		}

		public Builder context(ContextMode context) {
			this.context = context;
			return this;
		}

		public Builder jvmOptions(List<String> jvmOptions) {
			this.jvmOptions = jvmOptions;
			return this;
		}

		public Builder environment(Map<String, String> environment) {
			this.environment = environment;
			return this;
		}

		public Builder args(Map<String, String> args) {
			this.args = args;
			return this;
		}

		public Builder restart(RestartPolicy restart) {
			this.restart = restart;
			return this;
		}

		public Builder shutdown(ShutdownMode shutdown) {
			this.shutdown = shutdown;
			return this;
		}

		/** Where a tcp pool listens; also makes the pool's type {@code tcp}. */
		public Builder tcp(TcpSpec tcp) {
			this.tcp = tcp;
			if (tcp != null) {
				this.type = ChildType.TCP;
			}
			return this;
		}

		public Builder recycling(Recycling recycling) {
			this.recycling = recycling;
			return this;
		}

		public Builder runAs(RunAs runAs) {
			this.runAs = runAs;
			return this;
		}

		/**
		 * Builds the spec.
		 * @return the spec
		 * @throws InvalidSpecException naming the setting at fault
		 */
		public WorkerSpec build() {
			int max = (this.maxWorkers != null) ? this.maxWorkers : Math.max(DEFAULT_MAX_WORKERS, this.workers);
			return new WorkerSpec(this.name, this.type, this.workerClass, this.beanName, this.workers, this.minWorkers,
					max, this.reloadSurge, this.timeout, this.bootTimeout, this.gracefulTimeout, this.pause,
					this.context, this.jvmOptions, this.environment, this.args, this.restart, this.shutdown, this.tcp,
					this.recycling, this.runAs);
		}

	}

}
