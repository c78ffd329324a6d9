package io.pistil.cache;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The JVM a pool's workers run, as its installation describes it: its {@code release}
 * file (version, vendor, build) and its module image, whose size and time change when a
 * JVM is replaced in place.
 *
 * @param javaExecutable its {@code java}
 * @param featureVersion its feature version, 17 for 17.0.15
 * @param description its vendor and version, for people
 * @param identity everything that tells it from another JVM
 */
public record JavaRuntime(Path javaExecutable, int featureVersion, String description, String identity) {

	/**
	 * Describes the JVM of a {@code java} binary, from the files of its installation
	 * ({@code bin/java}'s parent's parent): running it would cost a JVM start.
	 * @param javaExecutable the {@code java} binary
	 * @return the JVM
	 * @throws IOException if its installation has no readable {@code release} file
	 */
	public static JavaRuntime of(Path javaExecutable) throws IOException {
		Path home = javaExecutable.toAbsolutePath().getParent().getParent();
		Properties release = new Properties();
		try (Reader reader = Files.newBufferedReader(home.resolve("release"), StandardCharsets.UTF_8)) {
			release.load(reader);
		}
		String version = unquoted(release.getProperty("JAVA_RUNTIME_VERSION", release.getProperty("JAVA_VERSION")));
		String vendor = unquoted(release.getProperty("IMPLEMENTOR", "unknown vendor"));
		if (version == null) {
			throw new IOException(home.resolve("release") + " names no JAVA_VERSION");
		}
		Path modules = home.resolve("lib").resolve("modules");
		String image = Files.isRegularFile(modules)
				? Files.size(modules) + "@" + Files.getLastModifiedTime(modules).toMillis() : "no image";
		return new JavaRuntime(javaExecutable, featureVersion(version), vendor + " " + version,
				home.toRealPath() + "|" + vendor + "|" + version + "|" + image);
	}

	private static String unquoted(String value) {
		return (value != null) ? value.replaceAll("^\"|\"$", "") : null;
	}

	/** 17 for "17.0.15+6", 25 for "25.0.3+9-LTS", 8 for "1.8.0_392". */
	static int featureVersion(String version) {
		String[] parts = version.split("[.+_-]");
		int first = Integer.parseInt(parts[0]);
		return (first == 1 && parts.length > 1) ? Integer.parseInt(parts[1]) : first;
	}

}
