package io.pistil.arbiter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pistil.process.SpawnRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RunAsTests {

	private final SpawnRequest java = new SpawnRequest(Path.of("/bin/true"), List.of("-cp", "app", "Main"),
			Map.of("A", "1"), List.of(7));

	@Test
	void theArbitersOwnUserSpawnsTheProgramItself() {
		assertThat(RunAs.ARBITER.applyTo(this.java)).isEqualTo(this.java);
	}

	@Test
	void aUserIsSwitchedToBySetprivWithItsGroupAndItsSupplementaryGroups() {
		SpawnRequest spawned = new RunAs("nobody", "nogroup", null).applyTo(this.java);

		assertThat(spawned.executable()).isEqualTo(RunAs.setpriv().orElseThrow());
		assertThat(spawned.arguments()).containsExactly("--reuid=nobody", "--regid=nogroup", "--init-groups", "--",
				"/bin/true", "-cp", "app", "Main");
		assertThat(spawned.environment()).isEqualTo(this.java.environment());
		assertThat(spawned.descriptors()).isEqualTo(this.java.descriptors());
	}

	@Test
	void aGroupAloneDropsTheSupplementaryGroups() {
		assertThat(new RunAs(null, "nogroup", null).applyTo(this.java).arguments()).containsExactly("--regid=nogroup",
				"--clear-groups", "--", "/bin/true", "-cp", "app", "Main");
	}

	@Test
	void aUmaskIsSetByTheShellWhichExecsOn() {
		SpawnRequest spawned = new RunAs("nobody", "nogroup", 027).applyTo(this.java);

		assertThat(spawned.executable()).isEqualTo(Path.of("/bin/sh"));
		assertThat(spawned.arguments()).startsWith("-c", "umask \"$0\" && exec \"$@\"", "0027",
				RunAs.setpriv().orElseThrow().toString(), "--reuid=nobody");
	}

	@Test
	void theUsersPrimaryGroupIsTheDefault() {
		RunAs runAs = new RunAs("nobody", null, null).withPrimaryGroup(new FakeProcesses());

		assertThat(runAs).isEqualTo(new RunAs("nobody", "65534", null));
	}

	@Test
	void aUmaskIsReadAsOctal() {
		assertThat(RunAs.parseUmask("p", "027")).isEqualTo(027);
		assertThat(RunAs.parseUmask("p", "0077")).isEqualTo(077);
		assertThat(RunAs.parseUmask("p", null)).isNull();
		for (String wrong : List.of("", "8", "0800", "1777", "u=rwx", "-1")) {
			assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> RunAs.parseUmask("p", wrong))
				.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("umask"))
				.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo(wrong));
		}
	}

	@Test
	void aUserOrGroupThatDoesNotExistIsNamed() {
		assertThatExceptionOfType(InvalidSpecException.class)
			.isThrownBy(() -> new RunAs("no-such-user-here", null, null).validate("hello"))
			.withMessage("Invalid value 'no-such-user-here' for user of pool 'hello': "
					+ "there is no user of this name or id on this machine");
		assertThatExceptionOfType(InvalidSpecException.class)
			.isThrownBy(() -> new RunAs("nobody", "no-such-group-here", null).validate("hello"))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("group"));
	}

	@Test
	void anExistingUserAndGroupPassOnlyWhenTheArbiterIsRoot() throws Exception {
		RunAs byName = new RunAs("nobody", "nogroup", 022);
		RunAs byId = new RunAs("65534", "65534", null);
		if (Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
			byName.validate("hello");
			byId.validate("hello");
		}
		else {
			assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> byName.validate("hello"))
				.withMessageContaining(
						"for user of pool 'hello': switching a pool's user needs an arbiter running as root");
		}
	}

}
