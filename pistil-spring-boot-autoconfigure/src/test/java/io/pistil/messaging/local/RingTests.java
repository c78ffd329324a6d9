package io.pistil.messaging.local;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The shared-memory ring: records in order across the wrap, a full ring refusing, and the
 * parked reader rung once.
 */
class RingTests {

	private final ByteBuffer memory = ByteBuffer.allocateDirect(Ring.size(1024));

	private final Ring writer = new Ring(this.memory, 0, 1024);

	private final Ring reader = new Ring(this.memory, 0, 1024);

	@Test
	void recordsArriveInOrderAcrossTheWrapOnlyOncePublished() {
		List<Long> read = new ArrayList<>();
		Ring.RecordReader collect = (type, buffer, offset, length) -> read.add(buffer.getLong(offset));
		long next = 0;
		for (int round = 0; round < 100; round++) {
			for (int i = 0; i < 5; i++) {
				int offset = this.writer.claim(1, 8 + round % 3 * 8);
				assertThat(offset).isNotNegative();
				this.memory.putLong(offset, next++);
			}
			assertThat(this.reader.hasRecords()).isFalse();
			this.writer.publish();
			assertThat(this.reader.read(collect)).isEqualTo(5);
		}
		assertThat(read).hasSize(500).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void aFullRingRefusesUntilTheReaderTakes() {
		int claimed = 0;
		while (this.writer.claim(1, 100) >= 0) {
			claimed++;
		}
		this.writer.publish();
		assertThat(claimed).isEqualTo(9);
		this.reader.read((type, buffer, offset, length) -> {
		});
		assertThat(this.writer.claim(1, 100)).isNotNegative();
	}

	@Test
	void aRecordLargerThanAQuarterOfTheRingIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.writer.claim(1, 300))
			.withMessageContaining("larger than the 248 bytes");
	}

	@Test
	void theWriterRingsAParkedReaderOnce() {
		assertThat(this.writer.takeParkedReader()).isFalse();
		this.reader.park();
		assertThat(this.writer.takeParkedReader()).isTrue();
		assertThat(this.writer.takeParkedReader()).isFalse();
	}

}
