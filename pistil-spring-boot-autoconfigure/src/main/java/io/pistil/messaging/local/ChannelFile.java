package io.pistil.messaging.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The shared memory between one worker process and the hub, a file of the run directory
 * that the worker creates: a ring to the hub, a ring to the worker, and per local queue
 * the room the worker has reserved, so that the hub can give back the room of messages a
 * worker reserved and never sent when it dies.
 *
 * <p>
 * Layout: a header (magic, ring capacity), {@value QueueTable#MAX_QUEUES} reservation
 * counters, then the two rings.
 */
final class ChannelFile {

	private static final long MAGIC = 0x70697374696c4301L;

	private static final int HEADER = 128;

	private static final int RESERVED = HEADER;

	private static final int RINGS = RESERVED + QueueTable.MAX_QUEUES * 8;

	private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

	private final MappedByteBuffer buffer;

	private final Ring toHub;

	private final Ring toWorker;

	private ChannelFile(MappedByteBuffer buffer, int ringCapacity) {
		this.buffer = buffer;
		this.toHub = new Ring(buffer, RINGS, ringCapacity);
		this.toWorker = new Ring(buffer.duplicate(), RINGS + Ring.size(ringCapacity), ringCapacity);
	}

	/** The file of a worker's channel in the hub's directory. */
	static Path of(Path directory, long pid) {
		return directory.resolve("channel-" + pid);
	}

	/**
	 * Creates a channel file (worker side).
	 * @param file the file
	 * @param ringCapacity each ring's capacity in bytes, a power of two
	 * @return the channel
	 */
	static ChannelFile create(Path file, int ringCapacity) {
		MappedByteBuffer buffer = SharedFile.create(file, RINGS + 2L * Ring.size(ringCapacity));
		buffer.putLong(8, ringCapacity);
		LONGS.setRelease(buffer, 0, MAGIC);
		return new ChannelFile(buffer, ringCapacity);
	}

	/**
	 * Opens a worker's channel file (hub side).
	 * @param file the file
	 * @return the channel
	 */
	static ChannelFile open(Path file) {
		MappedByteBuffer buffer = SharedFile.open(file);
		if ((long) LONGS.getAcquire(buffer, 0) != MAGIC) {
			throw new IllegalStateException(file + " is not a pistil channel");
		}
		return new ChannelFile(buffer, (int) buffer.getLong(8));
	}

	Ring toHub() {
		return this.toHub;
	}

	Ring toWorker() {
		return this.toWorker;
	}

	/** Counts one reservation of room in a local queue (worker side). */
	void countReservation(int queue) {
		LONGS.setRelease(this.buffer, RESERVED + queue * 8, reserved(queue) + 1);
	}

	/** How much room the worker has reserved in a local queue since it started. */
	long reserved(int queue) {
		return (long) LONGS.getAcquire(this.buffer, RESERVED + queue * 8);
	}

}
