package io.pistil.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterState;
import io.pistil.arbiter.PoolState;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;

/**
 * The {@code pistil} health contributor: UP while the arbiter runs and every pool has its
 * desired count of ready workers, DOWN otherwise (a pool whose workers keep failing to
 * boot, or still booting after a scale-up), with each pool's counts in the details. A
 * failure to read the arbiter is DOWN too, with the error, never a 500.
 */
public class PistilHealthIndicator extends AbstractHealthIndicator {

	private final Arbiter arbiter;

	public PistilHealthIndicator(Arbiter arbiter) {
		super("pistil health check failed");
		this.arbiter = arbiter;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ArbiterSnapshot snapshot = this.arbiter.snapshot();
		boolean up = snapshot.state() == ArbiterState.RUNNING;
		Map<String, PoolHealth> pools = new LinkedHashMap<>();
		for (PoolSnapshot pool : snapshot.pools()) {
			pools.put(pool.name(), new PoolHealth(pool.desired(), pool.ready(), pool.state()));
			up &= pool.ready() >= pool.desired();
		}
		(up ? builder.up() : builder.down()).withDetail("state", snapshot.state()).withDetail("pools", pools);
	}

	/**
	 * One pool's part of the health.
	 *
	 * @param desired how many workers it should run
	 * @param ready how many ready workers it runs
	 * @param state RUNNING or RELOADING
	 */
	public record PoolHealth(int desired, int ready, PoolState state) {
	}

}
