package io.pistil.arbiter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child's output, relayed line by line with its prefix: a line with no end is cut into
 * bounded pieces, and nothing is lost.
 */
class OutputRelayTests {

	@Test
	void everyLineGetsThePrefix() throws Exception {
		assertThat(relay("one\ntwo\r\nthree")).containsExactly("[w.1] one", "[w.1] two", "[w.1] three");
	}

	@Test
	void aLineWithNoEndIsCutIntoPiecesOfBoundedSizeAndNothingIsLost() throws Exception {
		String endless = "x".repeat(OutputRelay.MAX_LINE_BYTES * 3 + 17);

		List<String> lines = relay(endless + "\nafter");

		assertThat(lines).hasSize(5).allSatisfy((line) -> assertThat(line).startsWith("[w.1] "));
		assertThat(lines.subList(0, 4)).allSatisfy((line) -> assertThat(line.length())
			.isLessThanOrEqualTo("[w.1] ".length() + OutputRelay.MAX_LINE_BYTES));
		assertThat(String.join("", lines.subList(0, 4).stream().map((line) -> line.substring(6)).toList()))
			.isEqualTo(endless);
		assertThat(lines.get(4)).isEqualTo("[w.1] after");
	}

	@Test
	void aCutNeverSplitsACharacter() throws Exception {
		String text = "a".repeat(OutputRelay.MAX_LINE_BYTES - 1) + "é€😀".repeat(2000);

		List<String> lines = relay(text);

		assertThat(String.join("", lines.stream().map((line) -> line.substring(6)).toList())).isEqualTo(text);
		assertThat(String.join("", lines)).doesNotContain("\uFFFD");
	}

	private static List<String> relay(String output) throws InterruptedException {
		ByteArrayOutputStream target = new ByteArrayOutputStream();
		PrintStream print = new PrintStream(target, true, StandardCharsets.UTF_8);
		OutputRelay relay = new OutputRelay("test-relay", "[w.1] ",
				new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)), print, StandardCharsets.UTF_8);
		relay.await(5000);
		assertThat(relay.finished()).isTrue();
		return List.of(target.toString(StandardCharsets.UTF_8).split(System.lineSeparator()));
	}

}
