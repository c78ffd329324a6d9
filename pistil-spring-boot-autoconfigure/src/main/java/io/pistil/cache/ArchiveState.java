package io.pistil.cache;

/** Where an archive of the start-up cache stands, for this arbiter. */
enum ArchiveState {

	/** Being trained; workers start without it meanwhile. */
	TRAINING,

	/** Checked: workers start from it. */
	READY,

	/** Its training failed; workers start without it until the arbiter restarts. */
	FAILED,

	/** A worker failed to start with it, or it changed on disk: removed. */
	DISCARDED

}
