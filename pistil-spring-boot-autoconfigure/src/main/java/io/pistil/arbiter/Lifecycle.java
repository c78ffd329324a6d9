package io.pistil.arbiter;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The arbiter's state, with the transitions it may take. Written by the arbiter thread
 * (and by the start before that thread runs), read by any.
 */
final class Lifecycle {

	private static final Map<ArbiterState, Set<ArbiterState>> NEXT = Map.of(ArbiterState.NEW,
			EnumSet.of(ArbiterState.STARTING, ArbiterState.STOPPED), ArbiterState.STARTING,
			EnumSet.of(ArbiterState.RUNNING, ArbiterState.STOPPING, ArbiterState.STOPPED, ArbiterState.FAILED),
			ArbiterState.RUNNING, EnumSet.of(ArbiterState.STOPPING, ArbiterState.FAILED), ArbiterState.STOPPING,
			EnumSet.of(ArbiterState.STOPPED, ArbiterState.FAILED), ArbiterState.STOPPED,
			EnumSet.noneOf(ArbiterState.class), ArbiterState.FAILED, EnumSet.noneOf(ArbiterState.class));

	private volatile ArbiterState state = ArbiterState.NEW;

	ArbiterState state() {
		return this.state;
	}

	boolean is(ArbiterState state) {
		return this.state == state;
	}

	/**
	 * Moves the arbiter on.
	 * @param next its new state
	 * @return whether it moved: false if it is in that state already
	 * @throws IllegalStateException for a transition the arbiter's life does not have
	 */
	synchronized boolean moveTo(ArbiterState next) {
		if (this.state == next) {
			return false;
		}
		if (!NEXT.get(this.state).contains(next)) {
			throw new IllegalStateException("The arbiter cannot go from " + this.state + " to " + next);
		}
		this.state = next;
		return true;
	}

}
