package io.pistil.arbiter;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.pistil.process.ProcessControl;
import io.pistil.process.SpawnException;
import io.pistil.process.SpawnRequest;

/**
 * Who a pool's children run as: a user, a group and a file mode creation mask, each unset
 * to keep the arbiter's. Switching user or group needs an arbiter running as root; the
 * switch happens before the child JVM starts ({@code setpriv}, from util-linux, execs
 * it), so the worker boots, beats and serves as that user from its first instruction.
 *
 * @param user user name or uid, or null for the arbiter's
 * @param group group name or gid, or null for the user's primary group (the arbiter's
 * when no user is set either)
 * @param umask the children's umask (e.g. {@code 027}), or null for the arbiter's
 */
public record RunAs(@Nullable String user, @Nullable String group, @Nullable Integer umask) {

	/** The arbiter's own user, group and umask. */
	public static final RunAs ARBITER = new RunAs(null, null, null);

	private static final Path SHELL = Path.of("/bin/sh");

	/** Where Linux distributions install util-linux's setpriv. */
	private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

	/** Whether the children switch user or group, which only root may do. */
	public boolean switchesUser() {
		return this.user != null || this.group != null;
	}

	/**
	 * Parses a umask as configuration writes it: octal digits, as the shell's
	 * {@code umask} takes them.
	 * @param pool the pool, for the error
	 * @param value the value, or null
	 * @return the mask, or null when the value is null
	 * @throws InvalidSpecException if it is not an octal mode between 0 and 0777
	 */
	public static @Nullable Integer parseUmask(String pool, @Nullable String value) {
		if (value == null) {
			return null;
		}
		if (!value.matches("0?[0-7]{1,3}")) {
			throw new InvalidSpecException(pool, "umask", value,
					"must be an octal mode between 0 and 0777, such as 027 (quote it in YAML)");
		}
		return Integer.parseInt(value, 8);
	}

	/**
	 * Checks that the user and group exist and that this process may switch to them.
	 * @param pool the pool, for the error
	 * @throws InvalidSpecException naming the setting at fault
	 */
	void validate(String pool) {
		if (this.umask != null && (this.umask < 0 || this.umask > 0777)) {
			throw new InvalidSpecException(pool, "umask", Integer.toOctalString(this.umask),
					"must be an octal mode between 0 and 0777");
		}
		if (!switchesUser()) {
			return;
		}
		UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
		if (this.user != null) {
			lookUp(pool, "user", this.user, names::lookupPrincipalByName);
		}
		if (this.group != null) {
			lookUp(pool, "group", this.group, names::lookupPrincipalByGroupName);
		}
		String property = (this.user != null) ? "user" : "group";
		String value = (this.user != null) ? this.user : this.group;
		long uid = processUid();
		if (uid != 0) {
			throw new InvalidSpecException(pool, property, value, "switching a pool's " + property
					+ " needs an arbiter running as root; this one runs as uid " + uid);
		}
		if (setpriv().isEmpty()) {
			throw new InvalidSpecException(pool, property, value, "switching a pool's " + property
					+ " needs setpriv (from util-linux), found in neither /usr/bin nor /bin");
		}
	}

	private interface Lookup {

		Object find(String name) throws IOException;

	}

	private static void lookUp(String pool, String property, String name, Lookup lookup) {
		try {
			lookup.find(name);
		}
		catch (UserPrincipalNotFoundException ex) {
			throw new InvalidSpecException(pool, property, name,
					"there is no " + property + " of this name or id on this machine");
		}
		catch (IOException ex) {
			throw new InvalidSpecException(pool, property, name, "cannot look it up: " + ex.getMessage());
		}
	}

	/**
	 * Fills in the group a user runs with when none is set: the user's primary group.
	 * @param processes where to look the user up
	 * @return the same settings, with a group whenever a user is set
	 */
	RunAs withPrimaryGroup(ProcessControl processes) {
		if (this.user == null || this.group != null) {
			return this;
		}
		return new RunAs(this.user, Long.toString(processes.primaryGroup(this.user)), this.umask);
	}

	/**
	 * Runs a program as these settings say: through setpriv, which switches user and
	 * group, then execs it; and through the shell, which sets the umask, then execs on.
	 * Each exec keeps the pid, the descriptors and the signal dispositions.
	 * @param request the program
	 * @return the program to spawn instead
	 */
	SpawnRequest applyTo(SpawnRequest request) {
		Path executable = request.executable();
		List<String> arguments = new ArrayList<>(request.arguments());
		if (switchesUser()) {
			arguments.add(0, executable.toString());
			arguments.add(0, "--");
			arguments.add(0, (this.user != null) ? "--init-groups" : "--clear-groups");
			arguments.add(0, "--regid=" + this.group);
			if (this.user != null) {
				arguments.add(0, "--reuid=" + this.user);
			}
			executable = setpriv().orElseThrow(() -> new SpawnException("Cannot find setpriv to switch user"));
		}
		if (this.umask != null) {
			arguments.addAll(0, List.of("-c", "umask \"$0\" && exec \"$@\"", String.format("%04o", this.umask),
					executable.toString()));
			executable = SHELL;
		}
		return new SpawnRequest(executable, arguments, request.environment(), request.descriptors());
	}

	/** The effective uid of this process: Linux gives /proc/self to it. */
	private static long processUid() {
		try {
			return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return -1;
		}
	}

	static Optional<Path> setpriv() {
		return SETPRIV.stream().filter(Files::isExecutable).findFirst();
	}

}
