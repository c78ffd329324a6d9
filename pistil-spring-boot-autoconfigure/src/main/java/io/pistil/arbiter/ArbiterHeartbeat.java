package io.pistil.arbiter;

import io.pistil.arbiter.Snapshots.ArbiterSnapshot;

/**
 * Called on the arbiter thread after each of its ticks (ten a second): proof that the
 * arbiter's loop runs. A supervisor child beats its scoreboard heartbeat here, so that a
 * frozen loop — not just a dead process — is found by its parent's timeout; systemd's
 * watchdog is fed the same way. Keep it to a few stores: it runs on the loop.
 */
@FunctionalInterface
public interface ArbiterHeartbeat {

	/**
	 * Beats once.
	 * @param snapshot the arbiter as the tick left it
	 */
	void beat(ArbiterSnapshot snapshot);

}
