package io.pistil.messaging.local;

import java.nio.ByteBuffer;

/** Writes one record's body into a ring's memory. */
@FunctionalInterface
interface BodyWriter {

	/**
	 * Writes the body.
	 * @param buffer the ring's memory
	 * @param offset where the body starts
	 */
	void write(ByteBuffer buffer, int offset);

}
