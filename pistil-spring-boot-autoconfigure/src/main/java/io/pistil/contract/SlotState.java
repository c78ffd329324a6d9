package io.pistil.contract;

/**
 * What a child says of itself in its scoreboard slot.
 */
public enum SlotState {

	/** Nobody uses the slot. */
	EMPTY(0),

	/** The child is starting its context. */
	BOOTING(1),

	/** The child runs its worker. */
	READY(2),

	/** The child is stopping. */
	STOPPING(3);

	private final long code;

	SlotState(long code) {
		this.code = code;
	}

	/** The value stored in the slot. */
	long code() {
		return this.code;
	}

	/**
	 * Reads a stored value.
	 * @param code the value in the slot
	 * @return its state; {@link #EMPTY} for a value no child writes (a torn or foreign
	 * write)
	 */
	static SlotState of(long code) {
		for (SlotState state : values()) {
			if (state.code == code) {
				return state;
			}
		}
		return EMPTY;
	}

	/** Whether the child has finished booting: it runs its worker, or is past it. */
	public boolean booted() {
		return this == READY || this == STOPPING;
	}

}
