package io.pistil.actuate;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterState;
import io.pistil.arbiter.ChildType;
import io.pistil.arbiter.CommandRefusedException;
import io.pistil.arbiter.NoSuchPoolException;
import io.pistil.arbiter.PoolState;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;
import io.pistil.arbiter.WorkerState;
import io.pistil.messaging.MessagingStatistics;
import io.pistil.messaging.QueueStatistics;

/**
 * The {@code pistil} actuator endpoint: reads the arbiter, its pools and their workers,
 * and scales, reloads or replaces workers of a pool. Its write operation needs
 * {@code management.endpoint.pistil.access=unrestricted}. Over HTTP,
 * {@link PistilEndpointWebExtension} answers refusals with their status and message.
 */
@Endpoint(id = "pistil", defaultAccess = Access.READ_ONLY)
@RegisterReflectionForBinding({ PistilEndpoint.ArbiterDescriptor.class, PistilEndpoint.PoolDescriptor.class,
		PistilEndpoint.WorkerDescriptor.class, QueueStatistics.class })
public class PistilEndpoint {

	/**
	 * Linux's page size on the platforms pistil runs on; /proc/&lt;pid&gt;/statm counts
	 * pages.
	 */
	private static final long PAGE_SIZE = 4096;

	static final String USAGE = "Send {\"workers\": n} or {\"action\": \"reload\" | \"incr\" | \"decr\"}"
			+ " or {\"action\": \"replace\", \"pid\": n}";

	private final Arbiter arbiter;

	private final MessagingStatistics queues;

	public PistilEndpoint(Arbiter arbiter) {
		this(arbiter, Map::of);
	}

	/**
	 * Creates the endpoint.
	 * @param arbiter the arbiter
	 * @param queues the figures of the messaging's queues
	 */
	public PistilEndpoint(Arbiter arbiter, MessagingStatistics queues) {
		this.arbiter = arbiter;
		this.queues = queues;
	}

	/**
	 * Reads the arbiter, every pool and every worker.
	 * @return the arbiter
	 */
	@ReadOperation
	public ArbiterDescriptor arbiter() {
		ArbiterSnapshot snapshot = this.arbiter.snapshot();
		Map<String, PoolDescriptor> pools = new LinkedHashMap<>();
		snapshot.pools().forEach((pool) -> pools.put(pool.name(), describe(pool)));
		Long uptime = (snapshot.startedAt() != null) ? Duration.between(snapshot.startedAt(), Instant.now()).toSeconds()
				: null;
		return new ArbiterDescriptor(snapshot.pid(), snapshot.state(), snapshot.startedAt(), uptime, pools,
				this.queues.queues());
	}

	/**
	 * Reads one pool.
	 * @param pool the pool's name
	 * @return the pool, or null (a 404) if there is no such pool
	 */
	@ReadOperation
	public @Nullable PoolDescriptor pool(@Selector String pool) {
		return find(pool).map(PistilEndpoint::describe).orElse(null);
	}

	/**
	 * Changes a pool: sets its worker count, or applies an action. The pool is left as it
	 * was when the request is refused.
	 * @param pool the pool's name
	 * @param workers the new worker count, a whole number, or null for an action
	 * @param action what to do, or null with workers
	 * @param pid the pid of the worker to replace, with {@link PoolAction#REPLACE}
	 * @return the pool after the change
	 * @throws InvalidEndpointRequestException for a request that names no change, both a
	 * count and an action, a count out of the pool's bounds, or a pid that is not one of
	 * its workers'
	 * @throws NoSuchPoolException for an unknown pool
	 * @throws CommandRefusedException when the pool cannot take the change now: it is
	 * reloading or being removed, or the worker is already stopping
	 */
	@WriteOperation
	public PoolDescriptor change(@Selector String pool, @Nullable Number workers, @Nullable PoolAction action,
			@Nullable Number pid) {
		if (!this.arbiter.poolNames().contains(pool)) {
			throw new NoSuchPoolException(pool);
		}
		return describe(apply(pool, workers, action, pid));
	}

	private PoolSnapshot apply(String pool, @Nullable Number workers, @Nullable PoolAction action,
			@Nullable Number pid) {
		if (workers != null) {
			if (action != null || pid != null) {
				throw invalid("Send either workers or an action, not both. " + USAGE);
			}
			long count = wholeNumber("workers", workers);
			if (count != (int) count) {
				throw invalid("'workers' is out of range: " + workers);
			}
			return inBounds(() -> this.arbiter.scale(pool, (int) count));
		}
		if (action == null) {
			throw invalid("Nothing to do. " + USAGE);
		}
		if (pid != null && action != PoolAction.REPLACE) {
			throw invalid("A pid goes with the replace action only. " + USAGE);
		}
		return switch (action) {
			case INCR -> this.arbiter.increment(pool);
			case DECR -> this.arbiter.decrement(pool);
			case RELOAD -> {
				this.arbiter.reload(pool);
				yield current(pool);
			}
			case REPLACE -> {
				replace(pool, pid);
				yield current(pool);
			}
		};
	}

	private void replace(String pool, @Nullable Number pid) {
		if (pid == null) {
			throw invalid("The replace action needs the pid of the worker to replace. " + USAGE);
		}
		long worker = wholeNumber("pid", pid);
		if (current(pool).workers().stream().noneMatch((candidate) -> candidate.pid() == worker)) {
			throw invalid("Pool '" + pool + "' has no worker with pid " + worker);
		}
		inBounds(() -> {
			this.arbiter.replace(worker);
			return null;
		});
	}

	/**
	 * Runs a command whose bounds the arbiter checks: out of them is the caller's fault.
	 */
	private static <T> T inBounds(Supplier<T> command) {
		try {
			return command.get();
		}
		catch (CommandRefusedException | NoSuchPoolException ex) {
			throw ex;
		}
		catch (IllegalArgumentException ex) {
			throw invalid(ex.getMessage());
		}
	}

	/**
	 * The value of a JSON number that is whole ({@code 3} or {@code 3.0}): a fraction is
	 * refused rather than rounded.
	 */
	private static long wholeNumber(String name, Number value) {
		BigDecimal decimal;
		try {
			decimal = new BigDecimal(value.toString());
		}
		catch (NumberFormatException ex) {
			throw invalid("'" + name + "' must be a whole number, not '" + value + "'");
		}
		if (decimal.stripTrailingZeros().scale() > 0) {
			throw invalid("'" + name + "' must be a whole number, not '" + value + "'");
		}
		try {
			return decimal.longValueExact();
		}
		catch (ArithmeticException ex) {
			throw invalid("'" + name + "' is out of range: " + value);
		}
	}

	private static InvalidEndpointRequestException invalid(String reason) {
		return new InvalidEndpointRequestException(reason, reason);
	}

	private Optional<PoolSnapshot> find(String pool) {
		return this.arbiter.snapshot()
			.pools()
			.stream()
			.filter((candidate) -> candidate.name().equals(pool))
			.findFirst();
	}

	private PoolSnapshot current(String pool) {
		return find(pool).orElseThrow(() -> new NoSuchPoolException(pool));
	}

	private static PoolDescriptor describe(PoolSnapshot pool) {
		return new PoolDescriptor(pool.type(), pool.state(), pool.desired(), pool.running(), pool.ready(),
				pool.minWorkers(), pool.maxWorkers(), pool.restarts(),
				pool.workers().stream().map(PistilEndpoint::describe).toList());
	}

	private static WorkerDescriptor describe(WorkerSnapshot worker) {
		return new WorkerDescriptor(worker.number(), worker.pid(), worker.state(), worker.startedAt(),
				worker.heartbeatAge().toMillis(), worker.requests(), residentBytes(worker.pid()),
				worker.startupCache());
	}

	/** The worker's resident set size, from /proc; null once it has exited. */
	private static @Nullable Long residentBytes(long pid) {
		try {
			String[] statm = Files.readString(Path.of("/proc", Long.toString(pid), "statm")).trim().split(" ");
			return Long.parseLong(statm[1]) * PAGE_SIZE;
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * The arbiter.
	 *
	 * @param pid the arbiter's pid
	 * @param state STARTING, RUNNING, STOPPING or STOPPED
	 * @param startedAt when it started
	 * @param uptimeSeconds seconds since it started
	 * @param pools its pools by name
	 * @param queues the messaging's queues by name
	 */
	public record ArbiterDescriptor(long pid, ArbiterState state, @Nullable Instant startedAt,
			@Nullable Long uptimeSeconds, Map<String, PoolDescriptor> pools,
			Map<String, QueueStatistics> queues) implements OperationResponseBody {
	}

	/**
	 * One pool.
	 *
	 * @param type what its workers are: {@code worker}, {@code tcp} or {@code supervisor}
	 * @param state RUNNING or RELOADING
	 * @param desired how many workers it should run
	 * @param running how many workers it runs, stopping ones excluded
	 * @param ready how many of those are ready
	 * @param minWorkers the fewest workers scaling may leave
	 * @param maxWorkers the most workers scaling may reach
	 * @param restarts how many workers ended without being asked to
	 * @param workers its workers by number, stopping ones included
	 */
	public record PoolDescriptor(ChildType type, PoolState state, int desired, int running, int ready, int minWorkers,
			int maxWorkers, long restarts, List<WorkerDescriptor> workers) implements OperationResponseBody {
	}

	/**
	 * One worker.
	 *
	 * @param number its number in the pool
	 * @param pid its pid
	 * @param state booting, idle, busy or stopping
	 * @param startedAt when it was spawned
	 * @param heartbeatAgeMillis milliseconds since its last heartbeat (since its spawn
	 * while it boots)
	 * @param requests requests it has handled
	 * @param rssBytes its resident memory, or null if it has just exited
	 * @param startupCache whether it started from the start-up cache
	 */
	public record WorkerDescriptor(int number, long pid, WorkerState state, Instant startedAt, long heartbeatAgeMillis,
			long requests, @Nullable Long rssBytes, boolean startupCache) {
	}

}
