package io.pistil.contract;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pistil.worker.ContextMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The arbiter writes a child's command line with {@link ChildArguments#toArguments()};
 * the child reads it back with {@link ChildArguments#parse(String[])}.
 */
class ChildArgumentsTests {

	@Test
	void fullArgumentsSurviveTheCommandLine() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("query", "select * from jobs where state = 'new'");
		args.put("url", "jdbc:h2:mem:db;MODE=PostgreSQL");
		args.put("greeting", "hello, world");
		args.put("empty", "");
		ChildArguments arguments = new ChildArguments(12345, "mail-out", "mail-out", 3, 17,
				Path.of("/tmp/pistil-12345-run"), "com.example.MailWorker", "mailWorker", ContextMode.FULL,
				"com.example.Application", List.of("prod", "eu"), Duration.ofMillis(250), args, List.of());
		assertThat(roundTrip(arguments)).isEqualTo(arguments);
	}

	@Test
	void slimArgumentsWithoutBeanApplicationOrProfilesSurviveTheCommandLine() {
		ChildArguments arguments = new ChildArguments(1, "p", "p", 1, 0, Path.of("/run/dir with spaces"),
				"com.example.Worker", null, ContextMode.SLIM, null, List.of(), Duration.ZERO, Map.of(), List.of());
		ChildArguments parsed = roundTrip(arguments);
		assertThat(parsed).isEqualTo(arguments);
		assertThat(parsed.beanName()).isNull();
		assertThat(parsed.applicationClass()).isNull();
		assertThat(parsed.profiles()).isEmpty();
		assertThat(parsed.args()).isEmpty();
	}

	@Test
	void absentBeanAndApplicationClassAreLeftOffTheCommandLine() {
		ChildArguments arguments = new ChildArguments(1, "p", "p", 1, 0, Path.of("/run"), "com.example.Worker", null,
				ContextMode.SLIM, null, List.of(), Duration.ofSeconds(1), Map.of(), List.of());
		assertThat(arguments.toArguments()).containsExactly("--arbiter-pid=1", "--pool=p", "--path=p", "--number=1",
				"--slot=0", "--run-directory=/run", "--worker-class=com.example.Worker", "--context=SLIM",
				"--profiles=", "--pause=1000");
	}

	@Test
	void argsAreWrittenUnderTheirOwnPrefix() {
		ChildArguments arguments = new ChildArguments(1, "p", "p", 1, 0, Path.of("/run"), "com.example.Worker", null,
				ContextMode.SLIM, null, List.of(), Duration.ofSeconds(1), Map.of("pool", "not the pool name"),
				List.of());
		assertThat(arguments.toArguments()).contains("--pool=p", "--arg.pool=not the pool name");
		ChildArguments parsed = roundTrip(arguments);
		assertThat(parsed.pool()).isEqualTo("p");
		assertThat(parsed.args()).containsExactly(Map.entry("pool", "not the pool name"));
	}

	@Test
	void workerNameIsPoolAndNumber() {
		ChildArguments arguments = new ChildArguments(1, "mail-out", "mail-out", 4, 0, Path.of("/run"),
				"com.example.Worker", null, ContextMode.SLIM, null, List.of(), Duration.ZERO, Map.of(), List.of());
		assertThat(arguments.workerName()).isEqualTo("mail-out.4");
	}

	@Test
	void collectionsAreCopied() {
		List<String> profiles = new ArrayList<>(List.of("prod"));
		Map<String, String> args = new LinkedHashMap<>(Map.of("a", "1"));
		ChildArguments arguments = new ChildArguments(1, "p", "p", 1, 0, Path.of("/run"), "com.example.Worker", null,
				ContextMode.SLIM, null, profiles, Duration.ZERO, args, List.of());
		profiles.add("dev");
		args.put("b", "2");
		assertThat(arguments.profiles()).containsExactly("prod");
		assertThat(arguments.args()).containsExactly(Map.entry("a", "1"));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> arguments.profiles().add("dev"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> arguments.args().put("b", "2"));
	}

	@Test
	void runDirectoryFilesAreNamedAfterTheirRole() {
		Path run = Path.of("/tmp/pistil-1-abc");
		assertThat(RunFiles.scoreboard(run)).isEqualTo(run.resolve("scoreboard"));
		assertThat(RunFiles.bootError(run, 4711)).isEqualTo(run.resolve("boot-error-4711"));
		assertThat(RunFiles.lock(run)).isEqualTo(run.resolve("lock"));
	}

	@Test
	void argumentWithoutDashesIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChildArguments.parse(new String[] { "pool=p" }))
			.withMessage("Unexpected argument 'pool=p'");
	}

	@Test
	void argumentWithoutValueIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChildArguments.parse(new String[] { "--verbose" }))
			.withMessage("Unexpected argument '--verbose'");
	}

	@Test
	void missingArgumentIsNamed() {
		ChildArguments arguments = new ChildArguments(1, "p", "p", 1, 0, Path.of("/run"), "com.example.Worker", null,
				ContextMode.SLIM, null, List.of(), Duration.ZERO, Map.of(), List.of());
		List<String> withoutWorkerClass = arguments.toArguments()
			.stream()
			.filter((argument) -> !argument.startsWith("--worker-class="))
			.toList();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChildArguments.parse(withoutWorkerClass.toArray(String[]::new)))
			.withMessage("Missing argument --worker-class");
	}

	@Test
	void noArgumentsAtAllNamesTheFirstMissingOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChildArguments.parse(new String[0]))
			.withMessage("Missing argument --arbiter-pid");
	}

	private static ChildArguments roundTrip(ChildArguments arguments) {
		return ChildArguments.parse(arguments.toArguments().toArray(String[]::new));
	}

}
