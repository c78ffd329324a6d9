package io.pistil.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The arbiter creates the scoreboard; each child maps the same file again. These tests
 * use two mappings of one file, as the arbiter and a child do.
 */
class ScoreboardTests {

	@TempDir
	Path directory;

	@Test
	void createdScoreboardHasTheRequestedCapacityAndEmptySlots() {
		Scoreboard arbiter = Scoreboard.create(file(), 4);
		assertThat(arbiter.capacity()).isEqualTo(4);
		for (int index = 0; index < 4; index++) {
			assertEmpty(arbiter.slot(index));
		}
		assertThat(file()).hasSize(Scoreboard.HEADER_SIZE + 4L * Scoreboard.SLOT_SIZE);
	}

	@Test
	void childOpeningTheFileSeesItsCapacity() {
		Scoreboard.create(file(), 7);
		assertThat(Scoreboard.open(file()).capacity()).isEqualTo(7);
	}

	@Test
	void beginThroughTheChildMappingIsReadThroughTheArbiterMapping() {
		Scoreboard arbiter = Scoreboard.create(file(), 4);
		Scoreboard child = Scoreboard.open(file());
		child.slot(2).begin(4242);
		Scoreboard.Slot seen = arbiter.slot(2);
		assertThat(seen.pid()).isEqualTo(4242);
		assertThat(seen.state()).isEqualTo(SlotState.BOOTING);
		assertThat(seen.heartbeats()).isZero();
		assertThat(seen.requests()).isZero();
		assertThat(seen.busy()).isFalse();
		assertEmpty(arbiter.slot(1));
		assertEmpty(arbiter.slot(3));
	}

	@Test
	void heartbeatsCountUpInTheOtherMapping() {
		Scoreboard arbiter = Scoreboard.create(file(), 2);
		Scoreboard.Slot child = Scoreboard.open(file()).slot(1);
		child.begin(10);
		child.heartbeat();
		assertThat(arbiter.slot(1).heartbeats()).isEqualTo(1);
		child.heartbeat();
		child.heartbeat();
		assertThat(arbiter.slot(1).heartbeats()).isEqualTo(3);
		assertThat(arbiter.slot(0).heartbeats()).isZero();
	}

	@Test
	void stateChangesAreReadThroughTheOtherMapping() {
		Scoreboard arbiter = Scoreboard.create(file(), 2);
		Scoreboard.Slot child = Scoreboard.open(file()).slot(0);
		child.begin(10);
		child.state(SlotState.READY);
		assertThat(arbiter.slot(0).state()).isEqualTo(SlotState.READY);
		child.state(SlotState.STOPPING);
		assertThat(arbiter.slot(0).state()).isEqualTo(SlotState.STOPPING);
	}

	@Test
	void handledRequestsAndBusyFlagAreReadThroughTheOtherMapping() {
		Scoreboard arbiter = Scoreboard.create(file(), 2);
		Scoreboard.Slot child = Scoreboard.open(file()).slot(1);
		child.begin(10);
		child.busy(true);
		assertThat(arbiter.slot(1).busy()).isTrue();
		child.requestHandled();
		child.requestHandled();
		child.busy(false);
		assertThat(arbiter.slot(1).busy()).isFalse();
		assertThat(arbiter.slot(1).requests()).isEqualTo(2);
	}

	@Test
	void beginResetsWhatAPreviousWorkerLeftInTheSlot() {
		Scoreboard arbiter = Scoreboard.create(file(), 1);
		Scoreboard.Slot previous = Scoreboard.open(file()).slot(0);
		previous.begin(10);
		previous.heartbeat();
		previous.requestHandled();
		previous.busy(true);
		previous.state(SlotState.READY);
		Scoreboard.open(file()).slot(0).begin(11);
		Scoreboard.Slot seen = arbiter.slot(0);
		assertThat(seen.pid()).isEqualTo(11);
		assertThat(seen.state()).isEqualTo(SlotState.BOOTING);
		assertThat(seen.heartbeats()).isZero();
		assertThat(seen.requests()).isZero();
		assertThat(seen.busy()).isFalse();
	}

	@Test
	void clearByTheArbiterEmptiesTheSlotTheChildSees() {
		Scoreboard arbiter = Scoreboard.create(file(), 2);
		Scoreboard child = Scoreboard.open(file());
		Scoreboard.Slot slot = child.slot(1);
		slot.begin(10);
		slot.state(SlotState.READY);
		slot.heartbeat();
		slot.requestHandled();
		slot.busy(true);
		arbiter.slot(1).clear();
		assertEmpty(child.slot(1));
	}

	@Test
	void slotIndexOutOfRangeIsRejected() {
		Scoreboard scoreboard = Scoreboard.create(file(), 3);
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> scoreboard.slot(3))
			.withMessage("slot 3 of 3");
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> scoreboard.slot(-1))
			.withMessage("slot -1 of 3");
		assertThat(scoreboard.slot(2).pid()).isZero();
	}

	@Test
	void slotIndexOutOfRangeIsRejectedInTheChildMappingToo() {
		Scoreboard.create(file(), 3);
		Scoreboard child = Scoreboard.open(file());
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> child.slot(3))
			.withMessage("slot 3 of 3");
	}

	@Test
	void openingAFileThatIsNotAScoreboardFailsWithItsName() throws IOException {
		Path other = this.directory.resolve("notes.txt");
		Files.writeString(other, "These are not the slots you are looking for. ".repeat(4), StandardCharsets.UTF_8);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> Scoreboard.open(other))
			.withMessage(other + " is not a pistil scoreboard");
	}

	@Test
	void openingAMissingFileFailsWithItsName() {
		Path missing = this.directory.resolve("missing");
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> Scoreboard.open(missing))
			.withMessage("Cannot map scoreboard " + missing + ": NoSuchFileException");
	}

	@Test
	void creatingOverAnExistingFileFails() throws IOException {
		Files.writeString(file(), "taken", StandardCharsets.UTF_8);
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> Scoreboard.create(file(), 1))
			.withMessage("Cannot map scoreboard " + file() + ": FileAlreadyExistsException");
		assertThat(file()).hasContent("taken");
	}

	private Path file() {
		return RunFiles.scoreboard(this.directory);
	}

	private static void assertEmpty(Scoreboard.Slot slot) {
		assertThat(slot.pid()).isZero();
		assertThat(slot.state()).isEqualTo(SlotState.EMPTY);
		assertThat(slot.heartbeats()).isZero();
		assertThat(slot.requests()).isZero();
		assertThat(slot.busy()).isFalse();
	}

}
