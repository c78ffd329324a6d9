package io.pistil.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesSource;
import org.springframework.util.unit.DataSize;

import io.pistil.arbiter.ChildType;
import io.pistil.arbiter.RestartType;
import io.pistil.arbiter.ShutdownMode;
import io.pistil.arbiter.Strategy;
import io.pistil.worker.ContextMode;

/**
 * Configuration of pistil's arbiter and pools.
 */
@ConfigurationProperties("pistil")
public class PistilProperties {

	/**
	 * Whether to run the arbiter and its pools.
	 */
	private boolean enabled = true;

	/**
	 * How long workers get to finish after SIGTERM before they are killed, for pools that
	 * set no graceful-timeout of their own.
	 */
	private Duration gracefulTimeout = Duration.ofSeconds(30);

	/**
	 * Whether the arbiter handles SIGTERM (graceful stop, exit code 0) and SIGINT (quick
	 * stop) itself.
	 */
	private boolean handleSignals = true;

	/**
	 * Which workers the arbiter restarts when one of its workers is restarted:
	 * 'one-for-one', 'one-for-all', or 'rest-for-one' (the pools declared after the
	 * worker's pool), as in Erlang/OTP.
	 */
	private Strategy strategy = Strategy.ONE_FOR_ONE;

	/**
	 * How many workers may boot at once; the pools declared first boot first. Defaults to
	 * the number of cores plus one.
	 */
	private Integer maxBooting;

	/**
	 * Java installation (JDK or JRE) whose bin/java the workers run. Defaults to the
	 * arbiter's own (java.home).
	 */
	private Path javaHome;

	/**
	 * Where this arbiter is in a supervision tree: set by pistil in a supervisor child,
	 * empty at the top. Not for applications to set.
	 */
	private String treePath = "";

	/**
	 * Pools that SIGTTIN and SIGTTOU scale; empty for every pool.
	 */
	private List<String> signalPools = new ArrayList<>();

	/**
	 * Whether workers start with pistil's lean JVM options (-XX:+UseSerialGC,
	 * -XX:TieredStopAtLevel=1, -XX:-UsePerfData) ahead of their own.
	 */
	private boolean leanJvmOptions = true;

	/** The workers' start-up cache. */
	private final Cache cache = new Cache();

	/**
	 * Settings every pool takes unless it sets its own (or its annotation does): the keys
	 * of pistil.workers.<name> that are not a pool's alone. Their jvm-options go ahead of
	 * each pool's own; their env and args under each pool's own.
	 */
	private PoolSettings defaults = new PoolSettings();

	/**
	 * Pools by name: each entry overrides the @PistilWorker pool of that name or declares
	 * a pool of its own.
	 */
	private final Map<String, Pool> workers = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getGracefulTimeout() {
		return this.gracefulTimeout;
	}

	public void setGracefulTimeout(Duration gracefulTimeout) {
		this.gracefulTimeout = gracefulTimeout;
	}

	public boolean isHandleSignals() {
		return this.handleSignals;
	}

	public void setHandleSignals(boolean handleSignals) {
		this.handleSignals = handleSignals;
	}

	public Strategy getStrategy() {
		return this.strategy;
	}

	public void setStrategy(Strategy strategy) {
		this.strategy = strategy;
	}

	public Integer getMaxBooting() {
		return this.maxBooting;
	}

	public void setMaxBooting(Integer maxBooting) {
		this.maxBooting = maxBooting;
	}

	public Path getJavaHome() {
		return this.javaHome;
	}

	public void setJavaHome(Path javaHome) {
		this.javaHome = javaHome;
	}

	public boolean isLeanJvmOptions() {
		return this.leanJvmOptions;
	}

	public void setLeanJvmOptions(boolean leanJvmOptions) {
		this.leanJvmOptions = leanJvmOptions;
	}

	public Cache getCache() {
		return this.cache;
	}

	public PoolSettings getDefaults() {
		return this.defaults;
	}

	public void setDefaults(PoolSettings defaults) {
		this.defaults = defaults;
	}

	public String getTreePath() {
		return this.treePath;
	}

	public void setTreePath(String treePath) {
		this.treePath = treePath;
	}

	/**
	 * Returns the configuration of the arbiter at a place of the supervision tree below
	 * this one: a supervisor pool's children with its strategy.
	 * @param path supervisor pool names from this node down, joined by '.'; empty for
	 * this node
	 * @return the node's configuration
	 * @throws IllegalStateException if no supervisor pool has this path
	 */
	public PistilProperties node(String path) {
		if (path.isEmpty()) {
			return this;
		}
		Map<String, Pool> pools = this.workers;
		Pool supervisor = null;
		for (String name : path.split("\\.")) {
			supervisor = pools.get(name);
			if (supervisor == null) {
				throw new IllegalStateException("No supervisor pool at pistil.workers path '" + path + "'");
			}
			pools = supervisor.getChildren();
		}
		PistilProperties node = new PistilProperties();
		node.setGracefulTimeout(this.gracefulTimeout);
		node.setHandleSignals(this.handleSignals);
		node.setLeanJvmOptions(this.leanJvmOptions);
		node.setDefaults(this.defaults);
		node.setTreePath(this.treePath.isEmpty() ? path : this.treePath + "." + path);
		node.setStrategy((supervisor.getStrategy() != null) ? supervisor.getStrategy() : Strategy.ONE_FOR_ONE);
		node.getWorkers().putAll(pools);
		return node;
	}

	public List<String> getSignalPools() {
		return this.signalPools;
	}

	public void setSignalPools(List<String> signalPools) {
		this.signalPools = signalPools;
	}

	public Map<String, Pool> getWorkers() {
		return this.workers;
	}

	/**
	 * One pool. Unset values come from the pool's @PistilWorker annotation, then from the
	 * defaults.
	 */
	// The processor stops at the map of pools; marked as a source, it also writes this
	// type's own metadata (descriptions from the Javadoc below), against which a test
	// checks the pistil.workers.*.<key> entries of the additional metadata.
	/**
	 * What a pool and the defaults of every pool share: how many workers, how they are
	 * supervised and stopped, and how their JVMs start.
	 */
	@ConfigurationPropertiesSource
	/**
	 * The workers' start-up cache: class archives (AppCDS before JDK 25, the AOT cache
	 * from JDK 25) made by a training run of each pool's worker and kept between runs.
	 */
	public static class Cache {

		/** Whether workers start from a start-up cache. */
		private boolean enabled = true;

		/**
		 * Where the archives and the unpacked application are kept. Defaults to systemd's
		 * CACHE_DIRECTORY when set, else pistil-cache-<user> in java.io.tmpdir. It must
		 * belong to the arbiter's user and be writable by nobody else.
		 */
		private Path directory;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		/**
		 * The directory the cache uses.
		 * @param environment the process environment
		 * @return the directory, or null if the cache is disabled
		 */
		public Path effectiveDirectory(Map<String, String> environment) {
			if (!this.enabled) {
				return null;
			}
			if (this.directory != null) {
				return this.directory.toAbsolutePath();
			}
			String systemd = environment.get("CACHE_DIRECTORY");
			if (systemd != null && !systemd.isBlank()) {
				// systemd may list several, separated by ':'; the first is the unit's
				// own.
				return Path.of(systemd.split(":")[0]);
			}
			return Path.of(System.getProperty("java.io.tmpdir"), "pistil-cache-" + System.getProperty("user.name"));
		}

	}

	public static class PoolSettings {

		/**
		 * Which ends of a worker are restarted: 'permanent' (every one), 'transient' (all
		 * but exit code 0), 'temporary' (none). A worker not restarted leaves its pool
		 * one smaller. Defaults to permanent.
		 */
		private RestartType restart;

		/**
		 * How workers are stopped: 'graceful' (SIGTERM, then SIGKILL after the graceful
		 * timeout) or 'brutal' (SIGKILL). Defaults to graceful.
		 */
		private ShutdownMode shutdown;

		/**
		 * The most restarts within 'period' before the pool gives up (state FAILED; in a
		 * supervisor child, escalation to its parent). Defaults to 10.
		 */
		private Integer maxRestarts;

		/**
		 * The sliding window of max-restarts. Defaults to 1m.
		 */
		private Duration period;

		/**
		 * Delay before the second restart of a worker that keeps crashing, doubling up to
		 * backoff-max, with jitter. Defaults to 1s.
		 */
		private Duration backoffMin;

		/**
		 * The longest delay between two restarts. Defaults to 30s.
		 */
		private Duration backoffMax;

		/**
		 * How long a worker must run for its pool to count as stable again, ending the
		 * backoff. Defaults to 30s.
		 */
		private Duration backoffReset;

		/**
		 * Number of workers to keep running. Defaults to the annotation's value, or 1.
		 */
		private Integer workers;

		/**
		 * The fewest workers scaling down (SIGTTOU, the actuator) may leave. Defaults to
		 * 0.
		 */
		private Integer minWorkers;

		/**
		 * The most workers scaling up (SIGTTIN, the actuator) may reach. Defaults to 64,
		 * or the worker count if larger. Every pool's max-workers plus reload-surge,
		 * added up, may not pass the scoreboard's 1024 slots.
		 */
		private Integer maxWorkers;

		/**
		 * How many new workers a rolling reload starts at once; an old worker stops only
		 * once a new one is ready. Defaults to 1.
		 */
		private Integer reloadSurge;

		/**
		 * Heartbeat timeout: a ready worker silent for longer prints a thread dump, is
		 * killed and replaced. Defaults to the annotation's value, or 30s.
		 */
		private Duration timeout;

		/**
		 * How long a worker may take to start its context and become ready. Defaults to
		 * 60s.
		 */
		private Duration bootTimeout;

		/**
		 * How long a worker gets to finish after SIGTERM before it is killed. Defaults to
		 * pistil.graceful-timeout.
		 */
		private Duration gracefulTimeout;

		/**
		 * Pause between two calls of handle() in the default worker loop. Defaults to the
		 * annotation's value, or 100ms.
		 */
		private Duration pause;

		/**
		 * Which Spring context the workers start: 'slim' (the worker and what it imports)
		 * or 'full' (the whole application without web server). Defaults to the
		 * annotation's value, or slim.
		 */
		private ContextMode context;

		/**
		 * Options for the worker JVMs, e.g. -Xmx64m. Replace the annotation's when set.
		 */
		private List<String> jvmOptions;

		/**
		 * Environment variables added to the workers' environment.
		 */
		private final Map<String, String> env = new LinkedHashMap<>();

		/**
		 * User (name or uid) the pool's children run as; the arbiter must run as root.
		 * Defaults to the arbiter's user.
		 */
		private String user;

		/**
		 * Group (name or gid) the pool's children run as; the arbiter must run as root.
		 * Defaults to the user's primary group, or the arbiter's group when no user is
		 * set.
		 */
		private String group;

		/**
		 * File mode creation mask of the pool's children, in octal, e.g. '027' (quoted in
		 * YAML). Defaults to the arbiter's.
		 */
		private String umask;

		/**
		 * Free-form settings handed to the workers (WorkerContext.args()), added to the
		 * annotation's.
		 */
		private final Map<String, String> args = new LinkedHashMap<>();

		public RestartType getRestart() {
			return this.restart;
		}

		public void setRestart(RestartType restart) {
			this.restart = restart;
		}

		public ShutdownMode getShutdown() {
			return this.shutdown;
		}

		public void setShutdown(ShutdownMode shutdown) {
			this.shutdown = shutdown;
		}

		public Integer getMaxRestarts() {
			return this.maxRestarts;
		}

		public void setMaxRestarts(Integer maxRestarts) {
			this.maxRestarts = maxRestarts;
		}

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

		public Duration getBackoffMin() {
			return this.backoffMin;
		}

		public void setBackoffMin(Duration backoffMin) {
			this.backoffMin = backoffMin;
		}

		public Duration getBackoffMax() {
			return this.backoffMax;
		}

		public void setBackoffMax(Duration backoffMax) {
			this.backoffMax = backoffMax;
		}

		public Duration getBackoffReset() {
			return this.backoffReset;
		}

		public void setBackoffReset(Duration backoffReset) {
			this.backoffReset = backoffReset;
		}

		public Integer getWorkers() {
			return this.workers;
		}

		public void setWorkers(Integer workers) {
			this.workers = workers;
		}

		public Integer getMinWorkers() {
			return this.minWorkers;
		}

		public void setMinWorkers(Integer minWorkers) {
			this.minWorkers = minWorkers;
		}

		public Integer getMaxWorkers() {
			return this.maxWorkers;
		}

		public void setMaxWorkers(Integer maxWorkers) {
			this.maxWorkers = maxWorkers;
		}

		public Integer getReloadSurge() {
			return this.reloadSurge;
		}

		public void setReloadSurge(Integer reloadSurge) {
			this.reloadSurge = reloadSurge;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getBootTimeout() {
			return this.bootTimeout;
		}

		public void setBootTimeout(Duration bootTimeout) {
			this.bootTimeout = bootTimeout;
		}

		public Duration getGracefulTimeout() {
			return this.gracefulTimeout;
		}

		public void setGracefulTimeout(Duration gracefulTimeout) {
			this.gracefulTimeout = gracefulTimeout;
		}

		public Duration getPause() {
			return this.pause;
		}

		public void setPause(Duration pause) {
			this.pause = pause;
		}

		public ContextMode getContext() {
			return this.context;
		}

		public void setContext(ContextMode context) {
			this.context = context;
		}

		public List<String> getJvmOptions() {
			return this.jvmOptions;
		}

		public void setJvmOptions(List<String> jvmOptions) {
			this.jvmOptions = (jvmOptions != null) ? new ArrayList<>(jvmOptions) : null;
		}

		public Map<String, String> getEnv() {
			return this.env;
		}

		public String getUser() {
			return this.user;
		}

		public void setUser(String user) {
			this.user = user;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			this.group = group;
		}

		public String getUmask() {
			return this.umask;
		}

		public void setUmask(String umask) {
			this.umask = umask;
		}

		public Map<String, String> getArgs() {
			return this.args;
		}

	}

	@ConfigurationPropertiesSource
	public static class Pool extends PoolSettings {

		/**
		 * What the pool's children are: 'worker' (default) runs a Worker; 'tcp' runs a
		 * TcpWorker that serves the connections of the pool's listen addresses;
		 * 'supervisor' is a child JVM running an arbiter of its own over the pool's
		 * 'children'.
		 */
		private ChildType type;

		/**
		 * For a supervisor pool: the pools its children supervise, by name, with the same
		 * keys as pistil.workers.
		 */
		private final Map<String, Pool> children = new LinkedHashMap<>();

		/**
		 * For a supervisor pool: which of its children's workers it restarts when one is
		 * restarted. Defaults to one-for-one.
		 */
		private Strategy strategy;

		/**
		 * Fully qualified name of the Worker class, for a pool not declared
		 * by @PistilWorker.
		 */
		private String workerClass;

		/**
		 * Name of a Worker bean of the application whose class the pool runs, for a pool
		 * not declared by @PistilWorker.
		 */
		private String bean;

		public ChildType getType() {
			return this.type;
		}

		public void setType(ChildType type) {
			this.type = type;
		}

		public Map<String, Pool> getChildren() {
			return this.children;
		}

		public Strategy getStrategy() {
			return this.strategy;
		}

		public void setStrategy(Strategy strategy) {
			this.strategy = strategy;
		}

		/**
		 * Addresses a tcp pool listens on: host:port, [ipv6]:port or unix:/path. The
		 * arbiter binds them (SO_REUSEADDR), or takes them from systemd's socket
		 * activation, and keeps them open across worker restarts and reloads; its workers
		 * share them.
		 */
		private List<String> listen = new ArrayList<>();

		/**
		 * Length of each listening socket's queue of connections waiting to be accepted.
		 */
		private int backlog = 2048;

		/**
		 * Whether each worker of a tcp pool binds sockets of its own (SO_REUSEPORT)
		 * instead of sharing the arbiter's: the kernel spreads connections evenly over
		 * the workers, but the connections queued on a worker's socket when it stops are
		 * lost.
		 */
		private boolean reusePort;

		/**
		 * How many connections a worker of a tcp pool serves at once: 1 serves them one
		 * after the other on the accepting thread (gunicorn's sync worker), N on a pool
		 * of N threads, 'virtual' each on a virtual thread (Java 21 or newer), up to
		 * worker-connections.
		 */
		private String threads = "1";

		/**
		 * With threads 'virtual', the most connections a worker serves at once.
		 */
		private int workerConnections = 1000;

		/**
		 * Number of connections after which a worker of a tcp pool is replaced
		 * (gunicorn's max_requests); 0 for no limit. The replacement is ready before the
		 * worker stops accepting.
		 */
		private long maxRequests;

		/**
		 * Up to this many connections added at random to each worker's max-requests, so
		 * that workers started together are not replaced together.
		 */
		private long maxRequestsJitter;

		/**
		 * Resident memory (RSS) beyond which a worker is replaced, e.g. 256MB; none by
		 * default. The replacement is ready before the worker stops.
		 */
		private DataSize maxMemory;

		public String getWorkerClass() {
			return this.workerClass;
		}

		public void setWorkerClass(String workerClass) {
			this.workerClass = workerClass;
		}

		public String getBean() {
			return this.bean;
		}

		public void setBean(String bean) {
			this.bean = bean;
		}

		public List<String> getListen() {
			return this.listen;
		}

		public void setListen(List<String> listen) {
			this.listen = listen;
		}

		public int getBacklog() {
			return this.backlog;
		}

		public void setBacklog(int backlog) {
			this.backlog = backlog;
		}

		public boolean isReusePort() {
			return this.reusePort;
		}

		public void setReusePort(boolean reusePort) {
			this.reusePort = reusePort;
		}

		public String getThreads() {
			return this.threads;
		}

		public void setThreads(String threads) {
			this.threads = threads;
		}

		public int getWorkerConnections() {
			return this.workerConnections;
		}

		public void setWorkerConnections(int workerConnections) {
			this.workerConnections = workerConnections;
		}

		public long getMaxRequests() {
			return this.maxRequests;
		}

		public void setMaxRequests(long maxRequests) {
			this.maxRequests = maxRequests;
		}

		public long getMaxRequestsJitter() {
			return this.maxRequestsJitter;
		}

		public void setMaxRequestsJitter(long maxRequestsJitter) {
			this.maxRequestsJitter = maxRequestsJitter;
		}

		public DataSize getMaxMemory() {
			return this.maxMemory;
		}

		public void setMaxMemory(DataSize maxMemory) {
			this.maxMemory = maxMemory;
		}

	}

}
